"""The portal's promise, checked as each role would meet it: after processing a slide whose file
name and every metadata field carry a canary string, and whose label and macro are painted in a
colour tissue never has, no page, API field, tile, thumbnail or log line shows either."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.urls import reverse
from PIL import Image

from fixtures.synthetic import CANARY, contains_reserved_colour
from slides import pipeline, services, storage
from slides.deepzoom import DeepZoomGeometry
from slides.models import Slide
from tests.conftest import PASSWORD
from tests.crawler import crawl


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
    pages = crawl(client, start)
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
