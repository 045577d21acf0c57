"""The WSGI fast lane for built tiles answers exactly as the Django view does, and leaves every
other request (unbuilt tiles, bad tokens, other pages) to Django."""

from __future__ import annotations

import io

import pytest

from portal.wsgi import application
from slides.tile_tokens import make_token
from slides.tile_wsgi import BuiltTileFastLane


def call(path: str, *, method: str = "GET", headers: dict | None = None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()},
    }
    status_headers = {}

    def start_response(status, response_headers, exc_info=None):
        status_headers["status"] = int(status.split()[0])
        status_headers["headers"] = dict(response_headers)

    body = b"".join(application(environ, start_response))
    return status_headers["status"], status_headers["headers"], body


@pytest.fixture
def slide(slide_files, make_processed_slide):
    return make_processed_slide("svs", files=slide_files)


def tile_path(slide, level, col, row, token=None):
    token = token or make_token(str(slide.uuid))
    return f"/slides/tiles/{token}/{slide.uuid}_files/{level}/{col}_{row}.jpeg"


def test_built_tiles_match_the_django_view(client, slide, django_assert_num_queries):
    path = tile_path(slide, 11, 1, 1)
    with django_assert_num_queries(0):
        status, headers, body = call(path)
    through_django = client.get(path)
    assert status == 200 and body == through_django.content
    assert headers["ETag"] == through_django["ETag"]
    assert headers["Cache-Control"] == through_django["Cache-Control"]
    assert call(path, headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert call(path, method="HEAD")[2] == b""


def test_everything_else_goes_to_django(slide):
    # The real Django handler closes the test's database connection (request signals), so the
    # hand-over is checked with a stand-in Django that records what reaches it.
    reached = []

    def django_app(environ, start_response):
        reached.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        start_response("404 Not Found", [])
        return [b""]

    lane = BuiltTileFastLane(django_app)
    other = make_token("00000000-0000-0000-0000-000000000000")
    handed_over = [
        ("GET", tile_path(slide, 11, 1, 1, token=other)),  # token for another slide
        ("GET", tile_path(slide, 11, 99, 99)),  # no such tile on disk
        ("POST", tile_path(slide, 11, 1, 1)),
        ("GET", "/accounts/login/"),
        ("GET", tile_path(slide, 11, 1, 1).replace(".jpeg", ".png")),
    ]
    for method, path in handed_over:
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
        lane(environ, lambda *args: None)
    assert reached == handed_over
    served = lane(
        {"REQUEST_METHOD": "GET", "PATH_INFO": tile_path(slide, 11, 1, 1)}, lambda *a: None
    )
    assert served[0].startswith(b"\xff\xd8") and len(reached) == len(handed_over)
