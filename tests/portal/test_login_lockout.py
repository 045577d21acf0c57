"""Repeated failed sign-ins pause sign-in per account and per address, on the login page and the
API alike, with a message a person can act on; an administrator can unlock."""

from __future__ import annotations

import base64

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
API = "/api/courses/"
PAUSED = "Too many failed sign-in attempts for this account or from this address."


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    """Ten failures per test hash ten passwords; a cheap hasher keeps that fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_ten_failures_with_a_fifteen_minute_pause():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_failures_for_one_account_from_many_addresses_pause_that_account(trainee, other_trainee):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(from_address(f"10.0.0.{attempt + 1}"), "trainee", "wrong")
        assert response.status_code == 200  # the form again, not yet paused
    # The failure that reaches the limit is answered with the pause.
    assert sign_in(from_address("10.0.0.99"), "trainee", "wrong").status_code == 429
    client = from_address("10.0.1.1")
    response = sign_in(client, "trainee", PASSWORD)
    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert "paused for 15 minutes; an administrator can unlock it sooner" in (
        response.content.decode()
    )
    assert not signed_in(client)
    # Another account from that same fresh address is untouched.
    other = from_address("10.0.1.1")
    assert sign_in(other, "other_trainee", PASSWORD).status_code == 302
    assert signed_in(other)


def test_failures_from_one_address_for_many_names_pause_that_address(trainee):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(from_address("192.0.2.7"), f"guess{attempt}", "wrong")
    client = from_address("192.0.2.7")
    response = sign_in(client, "trainee", PASSWORD)
    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert not signed_in(client)
    elsewhere = from_address("192.0.2.8")
    assert sign_in(elsewhere, "trainee", PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(trainee):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(from_address("198.51.100.1"), "trainee", "wrong")
    client = from_address("198.51.100.1")
    assert sign_in(client, "trainee", PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_administrator_unlocks_an_account_with_the_reset_command(trainee):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(from_address(f"10.1.0.{attempt + 1}"), "trainee", "wrong")
    assert sign_in(from_address("10.1.1.1"), "trainee", PASSWORD).status_code == 429
    call_command("axes_reset_username", "trainee")
    client = from_address("10.1.1.1")
    assert sign_in(client, "trainee", PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_administrator_unlocks_an_address_in_the_admin(trainee, admin_user):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(from_address("203.0.113.9"), f"guess{attempt}", "wrong")
    assert sign_in(from_address("203.0.113.9"), "trainee", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "203.0.113.9" in listing.content.decode()
    attempts = AccessAttempt.objects.filter(ip_address="203.0.113.9")
    locked = list(attempts.values_list("pk", flat=True))
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": locked, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    client = from_address("203.0.113.9")
    assert sign_in(client, "trainee", PASSWORD).status_code == 302


# --- API -------------------------------------------------------------------------------------


def test_an_api_call_without_credentials_is_challenged(db):
    response = Client().get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_an_api_call_with_wrong_credentials_is_challenged(trainee):
    response = Client().get(API, **basic("trainee", "wrong"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_an_api_call_with_the_right_credentials_is_served(trainee):
    response = Client().get(API, **basic("trainee", PASSWORD))
    assert response.status_code == 200


def test_the_portals_own_scripts_without_a_session_get_403_and_no_password_dialog(db):
    response = Client().get(API, HTTP_X_CSRFTOKEN="anything")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response


def test_api_failures_for_one_account_pause_its_api_sign_in(trainee):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = from_address(f"10.2.0.{attempt + 1}").get(API, **basic("trainee", "wrong"))
        assert response.status_code == 401
    assert from_address("10.2.0.99").get(API, **basic("trainee", "wrong")).status_code == 429
    response = from_address("10.2.1.1").get(API, **basic("trainee", PASSWORD))
    assert response.status_code == 429
    assert response.json()["detail"].startswith(PAUSED)
    assert response["Retry-After"] == str(15 * 60)
    # The account is paused on the login page too: one count for every way in.
    assert sign_in(from_address("10.2.1.2"), "trainee", PASSWORD).status_code == 429


def test_api_failures_from_one_address_pause_that_address(trainee):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        from_address("192.0.2.50").get(API, **basic(f"guess{attempt}", "wrong"))
    response = from_address("192.0.2.50").get(API, **basic("trainee", PASSWORD))
    assert response.status_code == 429
    assert PAUSED in response.json()["detail"]
    assert from_address("192.0.2.51").get(API, **basic("trainee", PASSWORD)).status_code == 200


def test_an_administrator_unlocks_api_sign_in_by_address(trainee):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        from_address("192.0.2.60").get(API, **basic(f"guess{attempt}", "wrong"))
    assert from_address("192.0.2.60").get(API, **basic("trainee", PASSWORD)).status_code == 429
    call_command("axes_reset_ip", "192.0.2.60")
    assert from_address("192.0.2.60").get(API, **basic("trainee", PASSWORD)).status_code == 200


# --- Addresses behind the proxy ----------------------------------------------------------------


def test_behind_the_https_proxy_the_address_nginx_saw_is_counted(trainee, settings):
    settings.BEHIND_HTTPS_PROXY = True
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A client inventing a new left-most address each time does not escape the count.
        Client(
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 198.51.100.77",
            HTTP_X_FORWARDED_PROTO="https",
        ).post(LOGIN, {"username": f"guess{attempt}", "password": "wrong"})
    assert AccessAttempt.objects.filter(ip_address="198.51.100.77").exists()
    response = Client(
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
        HTTP_X_FORWARDED_PROTO="https",
    ).post(LOGIN, {"username": "trainee", "password": PASSWORD})
    assert response.status_code == 429


def test_without_the_proxy_switch_a_forwarded_header_is_ignored(trainee):
    Client(REMOTE_ADDR="192.0.2.90", HTTP_X_FORWARDED_FOR="10.0.0.1").post(
        LOGIN, {"username": "trainee", "password": "wrong"}
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.90"]
