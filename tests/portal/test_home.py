from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_page_renders_and_logs_in(client, educator):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "educator", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_wrong_password_is_refused(client, educator):
    response = client.post(reverse("login"), {"username": "educator", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_demo_accounts_are_listed_only_when_the_demo_is_on(client, db, settings):
    settings.SHOW_DEMO_ACCOUNTS = False
    assert b"teach-path-2026" not in client.get(reverse("login")).content
    settings.SHOW_DEMO_ACCOUNTS = True
    assert b"teach-path-2026" in client.get(reverse("login")).content


@pytest.mark.parametrize(
    "persona,expected,absent",
    [
        ("educator", [b"Slide library", b"Upload a slide"], [b"Administration"]),
        ("admin_user", [b"Slide library", b"Administration"], []),
        ("trainee", [b"API documentation"], [b"Slide library"]),
        ("examiner", [b"API documentation"], [b"Slide library"]),
    ],
)
def test_home_shows_each_role_where_to_go(request, client, persona, expected, absent):
    client.force_login(request.getfixturevalue(persona))
    content = client.get(reverse("home")).content
    for text in expected:
        assert text in content
    for text in absent:
        assert text not in content


def test_home_needs_a_login(client, db):
    assert client.get(reverse("home")).status_code == 302


def test_logout_is_a_post(client, educator):
    client.force_login(educator)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
