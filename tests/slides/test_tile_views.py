"""Deep Zoom and IIIF endpoints: tokens, caching headers, 404/400, no query per tile."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from slides import pipeline, services
from slides.tile_tokens import make_token


@pytest.fixture
def slide(slide_files, make_processed_slide):
    return make_processed_slide("svs", files=slide_files)


def tile_url(slide, level, col, row, token=None):
    token = token or make_token(str(slide.uuid))
    return reverse("slides:tile", args=[token, slide.uuid, level, col, row])


def test_dzi_describes_the_pyramid(client, slide):
    response = client.get(reverse("slides:dzi", args=[make_token(str(slide.uuid)), slide.uuid]))
    assert response.status_code == 200
    assert f'Width="{slide.width}"' in response.content.decode()


def test_built_tiles_are_served_without_any_query(client, slide, django_assert_num_queries):
    url = tile_url(slide, 11, 0, 0)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"]
    Image.open(io.BytesIO(response.content)).load()
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("level,col,row", [(11, 99, 0), (12, 0, 0), (11, 0, 99)])
def test_tiles_outside_the_pyramid_are_404(client, slide, level, col, row):
    assert client.get(tile_url(slide, level, col, row)).status_code == 404


def test_a_token_for_another_slide_is_404(client, slide):
    token = make_token("00000000-0000-0000-0000-000000000000")
    assert client.get(tile_url(slide, 11, 0, 0, token=token)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/slides/tiles/nothex-AAAAAAAAAAAAAAAAAAAAAAAA/x.dzi",
        "/slides/tiles/abc/0b9e6c3e-5f0a-4c53-9b0c-1d2e3f405060_files/1/0_0.jpeg",
        "/slides/tiles/ff-AAAAAAAAAAAAAAAAAAAAAAAA/0b9e6c3e-5f0a-4c53-9b0c-1d2e3f405060.dzi",
        "/slides/iiif/ff-AAAAAAAAAAAAAAAAAAAAAAAA/0b9e6c3e-5f0a-4c53-9b0c-1d2e3f405060/info.json",
    ],
)
def test_malformed_tile_addresses_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_tiles_are_rendered_on_demand_while_the_pyramid_is_built(client, slide_files, educator):
    slide = services.create_slide(
        uploaded_by=educator,
        original=slide_files["tiff"],
        original_name="t.tiff",
        title="Building",
        move=False,
    )
    pipeline.inspect(slide.id, dispatch=[].append)  # geometry known, no band built yet
    slide.refresh_from_db()
    assert slide.status == "processing" and slide.tiles_done == 0
    for level in (0, 5, 10, 11):
        response = client.get(tile_url(slide, level, 0, 0))
        assert response.status_code == 200, level
        assert "immutable" not in response["Cache-Control"]
        Image.open(io.BytesIO(response.content)).load()


def test_rejected_slides_serve_nothing(client, slide, educator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_slide(slide=slide, reviewer=educator, note="Label visible in the tissue")
    assert client.get(tile_url(slide, 11, 0, 0)).status_code == 404


class TestIIIF:
    def base(self, slide):
        return reverse("slides:iiif-info", args=[make_token(str(slide.uuid)), slide.uuid])[
            : -len("/info.json")
        ]

    def test_info_json(self, client, slide):
        response = client.get(self.base(slide) + "/info.json")
        assert response.status_code == 200
        document = response.json()
        assert document["width"] == slide.width and document["height"] == slide.height
        assert document["id"].endswith(self.base(slide))
        assert document["tiles"][0]["width"] == slide.tile_size

    def test_base_uri_redirects_to_info(self, client, slide):
        response = client.get(self.base(slide))
        assert response.status_code == 302 and response["Location"].endswith("/info.json")

    def test_a_grid_request_is_the_deep_zoom_tile(self, client, slide):
        response = client.get(self.base(slide) + "/0,0,512,512/256,/0/default.jpg")
        assert response.status_code == 200
        assert response.content == client.get(tile_url(slide, 10, 0, 0)).content

    @pytest.mark.parametrize(
        "tail,size,mode",
        [
            ("full/200,/0/default.jpg", (200, 150), "RGB"),
            ("100,100,300,200/max/90/gray.png", (200, 300), "L"),
            ("square/!64,64/!180/bitonal.png", (64, 64), "1"),
            ("pct:10,10,20,20/150,/0/color.webp", (150, 113), "RGB"),
        ],
    )
    def test_arbitrary_requests_are_rendered(self, client, slide, tail, size, mode):
        response = client.get(f"{self.base(slide)}/{tail}")
        assert response.status_code == 200, response.content
        image = Image.open(io.BytesIO(response.content))
        assert image.size == size
        assert image.mode == mode

    @pytest.mark.parametrize(
        "tail",
        [
            "full/max/45/default.jpg",
            "full/max/0/sepia.jpg",
            "9999,0,10,10/max/0/default.jpg",
            "full/99999,/0/default.jpg",
            "full/max/0/default.gif",
            "a/b/c/d.jpg",
        ],
    )
    def test_bad_syntax_is_400(self, client, slide, tail):
        assert client.get(f"{self.base(slide)}/{tail}").status_code == 400
