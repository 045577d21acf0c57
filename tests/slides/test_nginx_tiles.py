"""The shipped nginx configuration (deploy/nginx/portal.conf) in a real nginx, in front of a
live Django server: nginx serves built tiles itself after checking the token's signature
and expiry as the portal does (the lifetime cap is Python's alone), and hands everything else
to Django."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from slides import pipeline, services, storage
from slides.models import SlideAlias
from slides.tile_tokens import make_token
from tests.conftest import wait_for

from .local_servers import http_get, running_nginx

pytestmark = pytest.mark.slow

SLIDE = "11111111-2222-4333-8444-555555555555"  # no such slide


class Nginx:
    def __init__(self, port: int, prefix):
        self.port = port
        self.prefix = prefix

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return http_get(self.port, path)


@pytest.fixture
def nginx(live_server, tmp_path):
    """nginx with the shipped configuration, as a process of its own under `tmp_path`."""
    prefix = tmp_path / "nginx"
    with running_nginx(prefix, urlsplit(live_server.url).netloc) as port:
        yield Nginx(port, prefix)


@pytest.fixture
def slide(slide_files, make_processed_slide):
    return make_processed_slide("svs", files=slide_files)


def tile_url(public_id, level, col, row, token=None) -> str:
    token = token or make_token(str(public_id))
    return f"/slides/tiles/{token}/{public_id}_files/{level}/{col}_{row}.jpeg"


def tile_file(slide, level, col, row) -> bytes:
    return storage.tile_path(storage.pyramid_dir(slide.uuid), level, col, row).read_bytes()


def served_by_nginx(headers: dict[str, str]) -> bool:
    # Django's responses for built tiles carry an ETag; nginx's, by design, do not.
    return "ETag" not in headers


def test_a_valid_token_gets_the_built_tile_from_nginx(nginx, slide):
    status, headers, body = nginx.get(tile_url(slide.uuid, 11, 1, 1))
    assert status == 200
    assert body == tile_file(slide, 11, 1, 1)
    assert served_by_nginx(headers)
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_tampered_token_is_refused(nginx, slide):
    token = make_token(str(slide.uuid))
    expires, _, signature = token.partition("-")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    later = str(int(expires) + 1)
    for bad in (f"{expires}-{flipped}", f"{later}-{signature}", f"{expires}-{signature}x"):
        status, _, body = nginx.get(tile_url(slide.uuid, 11, 1, 1, bad))
        assert status in (403, 404), bad
        assert body != tile_file(slide, 11, 1, 1)


def test_an_expired_token_is_refused(nginx, slide, settings):
    settings.SLIDES = {**settings.SLIDES, "TILE_TOKEN_SECONDS": 2}
    token = make_token(str(slide.uuid), now=time.time() - 10)
    status, _, _ = nginx.get(tile_url(slide.uuid, 11, 1, 1, token))
    assert status in (403, 404)


def test_a_token_for_another_slide_is_refused(nginx, slide, slide_files, make_processed_slide):
    other = make_processed_slide("tiff", files=slide_files, title="Other")
    foreign = make_token(str(other.uuid))
    status, _, _ = nginx.get(tile_url(slide.uuid, 11, 1, 1, foreign))
    assert status in (403, 404)
    # ... and the other slide's own token still works, so the refusal was the binding.
    assert nginx.get(tile_url(other.uuid, 10, 0, 0))[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/{uuid}/11/1_1.jpeg",
        "/pyramids/{uuid}/11/1_1.jpeg",
        "/slides/tiles/{token}/{uuid}/11/1_1.jpeg",
        "/slides/tiles/{token}/{uuid}_files/11/../11/1_1.jpeg",
        "/slides/tiles/{token}/{uuid}_files/11/1_1.jpeg/../../../{uuid}/11/1_1.jpeg",
        "/slides/tiles/{token}/../{uuid}_files/11/1_1.jpeg",
        "/slides/tiles/x/{uuid}_files/11/1_1.jpeg",
        "/slides/tiles/{uuid}_files/11/1_1.jpeg",
    ],
)
def test_nothing_in_the_pyramid_folder_is_reachable_without_a_valid_token(nginx, slide, path):
    other_token = make_token(SLIDE)
    status, _, body = nginx.get(path.format(uuid=slide.uuid, token=other_token))
    assert status in (400, 403, 404)
    assert body != tile_file(slide, 11, 1, 1)


def test_a_tile_not_built_yet_is_rendered_by_django_behind_nginx(nginx, slide_files, educator):
    building = services.create_slide(  # nothing queued: only `pipeline.start` queues
        uploaded_by=educator,
        original=slide_files["tiff"],
        original_name="t.tiff",
        title="Building",
        move=False,
    )
    pipeline.inspect(building.id)  # geometry known, no tile built yet
    assert not storage.pyramid_dir(building.uuid).joinpath("10").exists()
    status, headers, body = nginx.get(tile_url(building.uuid, 10, 0, 0))
    assert status == 200 and body[:2] == b"\xff\xd8"
    assert "immutable" not in headers["Cache-Control"]  # Django's answer for a rendered tile


def test_an_exam_alias_is_served_by_django_first_then_by_nginx(nginx, slide):
    alias = SlideAlias.objects.create(slide=slide, scope="quiz:nginx-test").alias
    expected = tile_file(slide, 11, 1, 1)

    first = nginx.get(tile_url(alias, 11, 1, 1))
    assert first[0] == 200 and first[2] == expected
    assert not served_by_nginx(first[1])  # Django resolved the alias and linked it

    # A tile nginx has not looked up before, so no cached "not found" stands in the way.
    status, headers, body = nginx.get(tile_url(alias, 11, 0, 1))
    assert status == 200 and body == tile_file(slide, 11, 0, 1)
    assert served_by_nginx(headers)

    # The alias's token opens only the alias, and the slide's token not the alias.
    token = make_token(str(slide.uuid))
    assert nginx.get(tile_url(alias, 11, 0, 1, token))[0] in (403, 404)


def test_with_object_storage_nginx_serves_the_tiles_its_web_node_has_cached(
    nginx, bucket, slide_files, make_processed_slide
):
    slide = make_processed_slide("svs", files=slide_files)  # built into the bucket
    cached = storage.tile_path(storage.pyramid_dir(slide.uuid), 11, 1, 1)
    assert not cached.exists()  # the worker's scratch is gone: only the bucket has it
    expected = bucket.read(f"pyramids/{slide.uuid}/11/1_1.jpeg")

    status, headers, body = nginx.get(tile_url(slide.uuid, 11, 1, 1))
    assert status == 200 and body == expected
    assert not served_by_nginx(headers)  # gunicorn fetched it into its cache...

    assert cached.read_bytes() == expected

    # ... where nginx finds it once its memory of "no such file" lapses (open_file_cache_valid,
    # 10 s; gunicorn answers from the same cache until then).
    def from_nginx():
        answer = nginx.get(tile_url(slide.uuid, 11, 1, 1))
        return answer if served_by_nginx(answer[1]) else None

    status, _, body = wait_for(from_nginx, timeout=20, interval=1, message="nginx to serve it")
    assert status == 200 and body == expected
