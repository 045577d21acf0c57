"""The portal's own 403/404/500 pages, in the demo (DEBUG on) as in a deployment (DEBUG off)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

# Words of Django's technical pages that must never reach a visitor.
DEBUG_PAGE_MARKERS = ("Using the URLconf", "Traceback", "DEBUG = True", "technical")

both_modes = pytest.mark.parametrize("debug", [True, False], ids=["demo-debug-on", "debug-off"])


@pytest.fixture
def crashing_urls(settings):
    settings.ROOT_URLCONF = "tests.portal.crashing_urls"


def assert_portal_page(response, status: int, heading: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body
    assert "Pathology Teaching Portal" in body or status == 500
    for marker in DEBUG_PAGE_MARKERS:
        assert marker not in body


@both_modes
def test_an_unknown_url_shows_the_portals_404(client, trainee, settings, debug):
    settings.DEBUG = debug
    client.force_login(trainee)
    assert_portal_page(client.get("/no-such-page/"), 404, "Nothing here")


@both_modes
def test_a_missing_object_shows_the_portals_404(client, trainee, settings, debug):
    settings.DEBUG = debug
    client.force_login(trainee)
    response = client.get(f"/courses/{uuid.uuid4()}/")
    assert_portal_page(response, 404, "Nothing here")


@both_modes
def test_a_forbidden_action_shows_the_portals_403(client, trainee, settings, crashing_urls, debug):
    settings.DEBUG = debug
    client.force_login(trainee)
    assert_portal_page(client.get("/test-forbidden/"), 403, "You cannot do that here")


@both_modes
def test_a_refused_form_shows_the_portals_csrf_page(trainee, settings, debug):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = client.post("/accounts/logout/")
    assert_portal_page(response, 403, "That form could not be accepted")


@both_modes
def test_a_crash_shows_the_portals_500(trainee, settings, crashing_urls, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    assert_portal_page(client.get("/test-crash/"), 500, "Something went wrong on our side")


def test_a_missing_slash_is_still_added_in_the_demo(client, trainee, settings):
    settings.DEBUG = True
    client.force_login(trainee)
    response = client.get("/courses")
    assert response.status_code == 301
    assert response["Location"] == "/courses/"
