"""The portal's promise, checked as each role would meet it: after processing a slide whose file
name and every metadata field carry a canary string, and whose label and macro are painted in a
colour tissue never has, no page, API field, tile, thumbnail or log line shows either."""

from __future__ import annotations

import io
import json
import logging
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import reverse
from PIL import Image

from fixtures.synthetic import CANARY, contains_reserved_colour
from slides import pipeline, services, storage
from slides.deepzoom import DeepZoomGeometry
from slides.models import Slide
from tests.conftest import PASSWORD

LINK = re.compile(r"""(?:href|src|hx-get|data-dzi-url)=["']([^"'#]+)["']""")
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/")


def _upload_canary_slide(client, educator, path, title) -> Slide:
    client.force_login(educator)
    with open(path, "rb") as handle:
        response = client.post(
            reverse("slides:upload"),
            {"file": handle, "title": title, "organ": "Skin", "stain": "H&E"},
        )
    assert response.status_code == 302, response.content
    slide = Slide.objects.get(title=title)
    slide = pipeline.run_inline(slide.id)
    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    return services.approve_slide(slide=slide, reviewer=educator)


def _urls_in(body: str) -> set[str]:
    found = set(LINK.findall(body))
    if body.lstrip().startswith(("{", "[")):
        try:
            found |= {v for v in _json_strings(json.loads(body)) if "/" in v}
        except json.JSONDecodeError:
            pass
    return found


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _crawl(client, start: list[str], limit: int = 300) -> dict[str, bytes]:
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop()
        path = urlparse(url).path if url.startswith("http") else url
        if not path.startswith("/") or path in seen or path.startswith(SKIP_PREFIXES):
            continue
        response = client.get(path, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[path] = body + str(dict(response.headers)).encode()
        if "text" in response.get("Content-Type", "") or "json" in response.get("Content-Type", ""):
            for link in _urls_in(body.decode("utf-8", "replace")):
                queue.append(urljoin(path, link))
    return seen


@pytest.fixture
def canary_slides(client, educator, slide_files, caplog):
    caplog.set_level(logging.DEBUG)
    svs = _upload_canary_slide(client, educator, slide_files["canary_svs"], "Canary SVS")
    dicom = _upload_canary_slide(client, educator, slide_files["dicom_zip"], "Canary DICOM")
    client.logout()
    return [svs, dicom]


@pytest.mark.parametrize(
    "persona", ["anonymous", "trainee", "educator", "other_educator", "examiner", "admin_user"]
)
def test_no_page_or_api_field_shows_a_canary(request, client, canary_slides, persona, caplog):
    if persona != "anonymous":
        user = request.getfixturevalue(persona)
        assert client.login(username=user.username, password=PASSWORD)
    start = ["/", reverse("slides:library"), "/api/slides/", "/api/schema/", "/api/docs/"]
    for slide in canary_slides:
        start += [
            reverse("slides:detail", args=[slide.uuid]),
            reverse("slides:viewer", args=[slide.uuid]),
            reverse("slides:thumbnail", args=[slide.uuid]),
            f"/api/slides/{slide.uuid}/",
        ]
    pages = _crawl(client, start)
    assert len(pages) >= 8
    leaks = [url for url, body in pages.items() if CANARY.lower().encode() in body.lower()]
    assert leaks == []
    assert not [r for r in caplog.records if CANARY in r.getMessage()]
    if persona in ("educator", "other_educator", "admin_user"):
        tile_urls = [url for url in pages if "_files/" in url or url.endswith(".dzi")]
        assert tile_urls, "an educator's crawl reaches the viewer and its tiles"


@pytest.mark.parametrize("index", [0, 1], ids=["svs", "dicom"])
def test_every_tile_and_the_thumbnail_are_free_of_label_and_macro_pixels(
    client, canary_slides, index
):
    slide = canary_slides[index]
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    folder = storage.pyramid_dir(slide.uuid)
    count = 0
    for level in range(geometry.level_count):
        cols, rows = geometry.tile_grid(level)
        for row in range(rows):
            for col in range(cols):
                data = storage.tile_path(folder, level, col, row).read_bytes()
                assert CANARY.encode() not in data
                image = Image.open(io.BytesIO(data))
                assert not contains_reserved_colour(image), (level, col, row)
                count += 1
    assert count == geometry.total_tiles
    client.force_login(slide.uploaded_by)
    thumbnail = client.get(reverse("slides:thumbnail", args=[slide.uuid]))
    assert thumbnail.status_code == 200
    assert not contains_reserved_colour(Image.open(io.BytesIO(thumbnail.content)))


@pytest.mark.parametrize(
    "tail",
    [
        "label.jpeg",
        "macro.jpeg",
        "associated/label",
        "associated/macro/",
        "thumbnail.png",
        "label/",
        "properties/",
    ],
)
def test_associated_image_urls_do_not_exist(client, canary_slides, educator, tail):
    client.force_login(educator)
    slide = canary_slides[0]
    assert client.get(f"/slides/{slide.uuid}/{tail}").status_code == 404


@pytest.mark.parametrize("index", [0, 1], ids=["svs", "dicom"])
def test_nothing_stored_carries_the_canary(canary_slides, index):
    slide = Slide.objects.get(pk=canary_slides[index].pk)
    row = json.dumps({f.name: str(getattr(slide, f.name)) for f in Slide._meta.fields})
    assert CANARY not in row
    assert slide.source_path == ""  # the original is gone
    for path in storage.pyramid_dir(slide.uuid).rglob("*"):
        assert CANARY not in str(path)
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes()
