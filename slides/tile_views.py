"""Tile endpoints: Deep Zoom for OpenSeadragon and IIIF Image API 3.0.

Every URL carries a signed token made when a page that may show the slide was rendered; these
views check only the token (no session, no database) and, for tiles already built, read a file.
Unknown slides, bad tokens and out-of-range tiles all answer 404; IIIF syntax errors 400.
"""

from __future__ import annotations

import functools
import io

from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_safe
from PIL import Image, ImageOps

from . import iiif, regions
from .object_storage import ObjectStorageUnavailable
from .tile_tokens import token_is_valid
from .tiles import Tile, get_tile, tile_info

IMMUTABLE = "private, max-age=31536000, immutable"
RENDERED = "private, max-age=30"


def _authorised(token: str, slide_uuid) -> str:
    subject = str(slide_uuid)
    if not token_is_valid(subject, token):
        raise Http404("No such slide.")
    return subject


def tile_headers(tile: Tile, *, not_modified: bool) -> list[tuple[str, str]]:
    """This view's own headers for a tile (middleware adds more); the fast lane sends the same."""
    headers = [] if not_modified else [("Content-Type", "image/jpeg")]
    if tile.etag:
        headers.append(("ETag", tile.etag))
    headers.append(("Cache-Control", IMMUTABLE if tile.built else RENDERED))
    return headers


def is_not_modified(if_none_match: str | None, tile: Tile) -> bool:
    return bool(tile.etag) and if_none_match == tile.etag


def _tile_response(request, tile: Tile) -> HttpResponse:
    not_modified = is_not_modified(request.headers.get("If-None-Match"), tile)
    response = HttpResponseNotModified() if not_modified else HttpResponse(tile.data)
    for name, value in tile_headers(tile, not_modified=not_modified):
        response[name] = value
    return response


@require_GET
def dzi(request, token, slide_uuid):
    subject = _authorised(token, slide_uuid)
    info = tile_info(subject)
    if info is None:
        raise Http404("No such slide.")
    response = HttpResponse(info.geometry.dzi_xml(), content_type="application/xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


def storage_outage_is_503(view):
    """A bucket that cannot be reached is a passing outage (503, retry), not a missing tile
    (404) nor a bug (500)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ObjectStorageUnavailable:
            response = HttpResponse("Slide storage is unavailable.", status=503)
            response["Retry-After"] = "5"
            return response

    return wrapped


@require_safe  # HEAD too, as the fast lane answers it
@storage_outage_is_503
def deepzoom_tile(request, token, slide_uuid, level, col, row):
    subject = _authorised(token, slide_uuid)
    tile = get_tile(subject, level, col, row)
    if tile is None:
        raise Http404("No such tile.")
    return _tile_response(request, tile)


@require_GET
def iiif_base(request, token, slide_uuid):
    return redirect("slides:iiif-info", token=token, slide_uuid=slide_uuid, permanent=False)


@require_GET
def iiif_info(request, token, slide_uuid):
    subject = _authorised(token, slide_uuid)
    info = tile_info(subject)
    if info is None:
        raise Http404("No such slide.")
    service_id = request.build_absolute_uri(request.path.rsplit("/info.json", 1)[0])
    document = iiif.info_document(
        service_id, info.width, info.height, info.tile_size, info.geometry.level_count
    )
    response = JsonResponse(document)
    response["Content-Type"] = (
        'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "private, max-age=300"
    return response


def _render(subject: str, info, request_: iiif.ImageRequest) -> bytes:
    image = regions.level0_region(subject, info.geometry, request_.box, request_.size)
    if request_.mirror:
        image = ImageOps.mirror(image)
    if request_.rotation:
        image = image.rotate(-request_.rotation, expand=True)
    if request_.quality == "gray":
        image = image.convert("L")
    elif request_.quality == "bitonal":
        image = image.convert("L").point(lambda value: 255 if value >= 128 else 0, mode="1")
    out = io.BytesIO()
    save_format = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[request_.format]
    if save_format == "JPEG" and image.mode == "1":
        image = image.convert("L")
    image.save(out, save_format, **({"quality": 85} if save_format != "PNG" else {}))
    return out.getvalue()


@require_GET
@storage_outage_is_503
def iiif_image(request, token, slide_uuid, region, size, rotation, quality, fmt):
    subject = _authorised(token, slide_uuid)
    info = tile_info(subject)
    if info is None:
        raise Http404("No such slide.")
    try:
        parsed = iiif.parse_request(region, size, rotation, quality, fmt, info.width, info.height)
    except iiif.IIIFError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    geometry = info.geometry
    aligned = iiif.aligned_tile(parsed, info.width, info.height, info.tile_size, geometry.max_level)
    if aligned is not None:
        tile = get_tile(subject, *aligned)
        if tile is None:
            raise Http404("No such tile.")
        response = _tile_response(request, tile)
    else:
        try:
            data = _render(subject, info, parsed)
        except regions.RegionUnavailable as error:
            raise Http404("Part of the region is not available.") from error
        response = HttpResponse(data, content_type=iiif.FORMATS[parsed.format])
        response["Cache-Control"] = RENDERED
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Pillow's decompression-bomb guard must not trip on our own large IIIF compositions.
Image.MAX_IMAGE_PIXELS = iiif.MAX_AREA * 4
