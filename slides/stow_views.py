"""The STOW-RS receiver: where a PACS sends a series to teaching.

`POST /slides/stow/<source uuid>/studies` with the source's push token, as a bearer token or
as the password of HTTP basic auth (user name ignored), so a PACS can be configured either way
(Orthanc: `"HttpHeaders": {"Authorization": "Bearer <token>"}` in its DICOMweb server entry).
Sessions count for nothing here: without the token every caller gets 401. The body is spooled
to private staging (never held in memory, never servable) up to the zip limit; only the parts'
headers are read here, from a memory map, to answer as STOW-RS asks (PS3.18 §10.5.3: what was
taken, what was refused). De-identification and the build are a worker's (dicomweb_push).
"""

from __future__ import annotations

import base64
import binascii
import mmap
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import dicomweb_push, stow_staging
from .object_storage import ObjectStorageUnavailable
from .stow_multipart import MultipartError, boundary_of, detached

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
    with stow_staging.spool() as spool:
        spooled = Path(spool.name)
        try:
            size = _spool_body(_body(request), spool)
        except ValueError as error:
            spooled.unlink(missing_ok=True)
            return _refuse(413 if "larger" in str(error) else 400, str(error))
    try:
        with (
            open(spooled, "rb") as file,
            mmap.mmap(file.fileno(), size, access=mmap.ACCESS_READ) as body,
        ):
            result, error = detached(
                dicomweb_push.accept, source=source, body=body, boundary=boundary, spooled=spooled
            )
        if error is not None:
            raise error
    except MultipartError as error:
        return _refuse(400, str(error))
    except ObjectStorageUnavailable:
        return _refuse(503, "The portal cannot store what was sent just now; send it again later.")
    finally:
        spooled.unlink(missing_ok=True)  # staged under another name, or not kept
    status = 200 if not result.failed else (202 if result.referenced else 409)
    return JsonResponse(
        result.as_dicom_json(), status=status, content_type="application/dicom+json"
    )


def _spool_body(stream, spool) -> int:
    """Copy the body into `spool`; its size. ValueError when it is empty or too large."""
    limit = settings.SLIDES["MAX_ZIP_BYTES"]
    size = 0
    while block := stream.read(CHUNK):
        size += len(block)
        if size > limit:
            raise ValueError("The request is larger than the portal takes.")
        spool.write(block)
    if not size:
        raise ValueError("The request has no body.")
    return size
