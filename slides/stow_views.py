"""The STOW-RS receiver: where a PACS sends a series to teaching.

`POST /slides/stow/<source uuid>/studies` with the source's push token, as a bearer token or
as the password of HTTP basic auth (user name ignored), so a PACS can be configured either way
(Orthanc: `"HttpHeaders": {"Authorization": "Bearer <token>"}` in its DICOMweb server entry).
Sessions count for nothing here: without the token every caller gets 401. The body is spooled
to a private temporary file (never held in memory) up to the zip limit, then read from a memory
map.
"""

from __future__ import annotations

import base64
import binascii
import mmap
import tempfile

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import dicomweb_push
from .stow_multipart import MultipartError, boundary_of

CHUNK = 1024 * 1024


def _token(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


def _body(request):
    """The request body as a stream. PACS send STOW-RS chunked (Orthanc does by default); Django
    reads nothing without a Content-Length, but gunicorn de-chunks the body and says so with
    `wsgi.input_terminated`, so it is read from the server's own stream then. (nginx in front
    buffers a chunked body and passes a Content-Length.)"""
    if "CONTENT_LENGTH" not in request.META and request.META.get("wsgi.input_terminated"):
        return request.META["wsgi.input"]
    return request


def _refuse(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="send to teaching"'
    return response


@csrf_exempt
@require_POST
def stow(request, source_uuid):
    source = dicomweb_push.source_for_token(source_uuid, _token(request))
    if source is None:
        return _refuse(401, "A valid push token is needed.")
    try:
        boundary = boundary_of(request.headers.get("Content-Type", ""))
    except MultipartError as error:
        return _refuse(415, str(error))
    limit = settings.SLIDES["MAX_ZIP_BYTES"]
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        size = 0
        stream = _body(request)
        while block := stream.read(CHUNK):
            size += len(block)
            if size > limit:
                return _refuse(413, "The request is larger than the portal takes.")
            spool.write(block)
        if not size:
            return _refuse(400, "The request has no body.")
        spool.flush()
        with mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ) as body:
            try:
                result = dicomweb_push.receive(source=source, body=body, boundary=boundary)
            except MultipartError as error:
                return _refuse(400, str(error))
    status = 200 if not result.failed else (202 if result.referenced else 409)
    return JsonResponse(
        result.as_dicom_json(), status=status, content_type="application/dicom+json"
    )
