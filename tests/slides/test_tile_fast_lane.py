"""The WSGI fast lane for built tiles answers exactly as the Django view does, and leaves every
other request (unbuilt tiles, bad tokens, other pages) to Django."""

from __future__ import annotations

import io

import pytest

from portal.wsgi import application
from slides.tile_tokens import make_token
from slides.tile_wsgi import BuiltTileFastLane


def wsgi_environ(path: str, *, method: str = "GET", headers: dict | None = None, secure=False):
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "443" if secure else "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()},
    }


def call_raw(path: str, **kwargs) -> tuple[int, list[tuple[str, str]], bytes]:
    status_headers = {}

    def start_response(status, response_headers, exc_info=None):
        status_headers["status"] = int(status.split()[0])
        status_headers["headers"] = list(response_headers)

    body = b"".join(application(wsgi_environ(path, **kwargs), start_response))
    return status_headers["status"], status_headers["headers"], body


def call(path: str, **kwargs):
    status, headers, body = call_raw(path, **kwargs)
    return status, dict(headers), body


@pytest.fixture
def slide(slide_files, make_processed_slide):
    return make_processed_slide("svs", files=slide_files)


def lane_before_stand_in(record, status: str = "404 Not Found"):
    """The fast lane in front of a stand-in Django that records `record(environ)` of each
    request reaching it; returns (lane, the list of records)."""
    reached = []

    def django_app(environ, start_response):
        reached.append(record(environ))
        start_response(status, [])
        return [b""]

    return BuiltTileFastLane(django_app), reached


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
    lane, reached = lane_before_stand_in(lambda e: (e["REQUEST_METHOD"], e["PATH_INFO"]))
    other = make_token("00000000-0000-0000-0000-000000000000")
    handed_over = [
        ("GET", tile_path(slide, 11, 1, 1, token=other)),  # token for another slide
        ("GET", tile_path(slide, 11, 99, 99)),  # no such tile on disk
        ("POST", tile_path(slide, 11, 1, 1)),
        ("GET", "/accounts/login/"),
        ("GET", tile_path(slide, 11, 1, 1).replace(".jpeg", ".png")),
    ]
    for method, path in handed_over:
        lane(wsgi_environ(path, method=method), lambda *args: None)
    assert reached == handed_over
    served = lane(wsgi_environ(tile_path(slide, 11, 1, 1)), lambda *a: None)
    assert served[0].startswith(b"\xff\xd8") and len(reached) == len(handed_over)


def test_requests_django_would_refuse_or_redirect_go_to_django(slide, settings):
    lane, reached = lane_before_stand_in(lambda e: e["HTTP_HOST"], "400 Bad Request")
    path = tile_path(slide, 11, 1, 1)
    lane(wsgi_environ(path, headers={"Host": "evil.example"}), lambda *a: None)
    settings.SECURE_SSL_REDIRECT = True
    lane(wsgi_environ(path), lambda *a: None)  # Django redirects plain HTTP to HTTPS
    assert reached == ["evil.example", "testserver"]
    assert lane(wsgi_environ(path, secure=True), lambda *a: None)[0].startswith(b"\xff\xd8")
    assert len(reached) == 2


def django_headers(client, path: str, *, secure: bool, **headers) -> tuple[int, list]:
    response = client.get(path, secure=secure, headers=headers)
    cookies = [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
    # What Django's WSGI handler hands the server: the response's headers and its cookies.
    return response.status_code, sorted([*response.items(), *cookies])


SECURE = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_REFERRER_POLICY": "strict-origin",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin-allow-popups",
    "X_FRAME_OPTIONS": "SAMEORIGIN",
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


@pytest.mark.parametrize(
    "overrides,secure",
    [({}, False), ({}, True), (SECURE, False), (SECURE, True)],
    ids=["defaults-http", "defaults-https", "secure-settings-http", "secure-settings-https"],
)
def test_the_fast_lane_sends_exactly_the_headers_django_sends(
    client, slide, settings, overrides, secure, django_assert_num_queries
):
    for name, value in overrides.items():
        setattr(settings, name, value)
    path = tile_path(slide, 11, 1, 1)
    with django_assert_num_queries(0):
        status, lane_headers, body = call_raw(path, secure=secure)
    assert status == 200 and body.startswith(b"\xff\xd8")
    assert django_headers(client, path, secure=secure) == (200, sorted(lane_headers))
    names = {name for name, _ in lane_headers}
    assert {"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} <= names
    assert ("Strict-Transport-Security" in names) == (secure and bool(overrides))

    etag = dict(lane_headers)["ETag"]
    status, lane_304, _ = call_raw(path, secure=secure, headers={"If-None-Match": etag})
    assert status == 304
    assert django_headers(client, path, secure=secure, **{"If-None-Match": etag}) == (
        304,
        sorted(lane_304),
    )


def test_exam_alias_tiles_take_the_fast_lane_once_linked(client, slide, django_assert_num_queries):
    from slides.models import SlideAlias

    alias = str(SlideAlias.objects.create(slide=slide, scope="quiz:fast-lane").alias)
    token = make_token(alias)
    path = f"/slides/tiles/{token}/{alias}_files/11/1_1.jpeg"
    lane, lane_reached_django = lane_before_stand_in(lambda e: e["PATH_INFO"])
    lane(wsgi_environ(path), lambda *a: None)
    assert lane_reached_django == [path]  # no link yet: Django serves it and makes the link

    through_django = client.get(path)
    assert through_django.status_code == 200
    with django_assert_num_queries(0):
        status, headers, body = call(path)
    assert status == 200 and body == through_django.content
    assert headers["ETag"] == through_django["ETag"]
    own = call(tile_path(slide, 11, 1, 1))
    assert own[2] == body and own[1]["ETag"] != headers["ETag"]  # ETags never link the two
    lane_reached_django.clear()
    lane(wsgi_environ(path), lambda *a: None)
    assert lane_reached_django == []
