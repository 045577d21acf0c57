from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ImproperlyConfigured

from slides import tile_tokens
from slides.tile_tokens import (
    CLOCK_SKEW_SECONDS,
    MAX_LIFETIME_SECONDS,
    expires_at,
    make_token,
    token_is_valid,
)

SLIDE = "0b9e6c3e-5f0a-4c53-9b0c-1d2e3f405060"
NOW = 1_000_000


def signed(subject: str, expires: int) -> str:
    """A correctly signed token with any expiry, as someone holding the key could make."""
    return f"{expires}-{tile_tokens._signature(subject, expires)}"


def test_a_fresh_token_is_valid_for_its_slide_only():
    token = make_token(SLIDE, now=NOW)
    assert token_is_valid(SLIDE, token, now=NOW)
    assert not token_is_valid("another-slide", token, now=NOW)


def test_the_default_cap_is_an_hour():
    assert tile_tokens.lifetime_cap() == 3600 == MAX_LIFETIME_SECONDS


@pytest.mark.parametrize("now", [NOW, NOW + 1, NOW + 1799, NOW + 1800, NOW + 3599])
def test_a_token_lives_between_half_a_cap_and_one_cap(now):
    cap = tile_tokens.lifetime_cap()
    lifetime = expires_at(make_token(SLIDE, now=now)) - now
    assert cap / 2 < lifetime <= cap


def test_tokens_expire_within_the_cap():
    cap = tile_tokens.lifetime_cap()
    token = make_token(SLIDE, now=NOW)
    expires = expires_at(token)
    assert token_is_valid(SLIDE, token, now=expires)
    assert not token_is_valid(SLIDE, token, now=expires + 1)
    assert not token_is_valid(SLIDE, token, now=NOW + cap + 1)


def test_tokens_are_stable_within_a_window_so_tiles_stay_cached():
    assert make_token(SLIDE, now=NOW) == make_token(SLIDE, now=NOW + 1)


def test_a_correctly_signed_ten_year_token_is_refused():
    ten_years = signed(SLIDE, NOW + 10 * 365 * 24 * 3600)
    assert not token_is_valid(SLIDE, ten_years, now=NOW)


def test_expiries_beyond_the_cap_are_refused_past_the_clock_skew_allowance():
    cap = tile_tokens.lifetime_cap()
    assert token_is_valid(SLIDE, signed(SLIDE, NOW + cap + CLOCK_SKEW_SECONDS), now=NOW)
    assert not token_is_valid(SLIDE, signed(SLIDE, NOW + cap + CLOCK_SKEW_SECONDS + 1), now=NOW)


def test_tampered_tokens_fail():
    token = make_token(SLIDE, now=NOW)
    expires, signature = token.split("-", 1)
    later = str(int(expires) + 60)
    assert not token_is_valid(SLIDE, f"{later}-{signature}", now=NOW)
    assert not token_is_valid(SLIDE, "zz-" + signature, now=NOW)
    assert not token_is_valid(SLIDE, token[:-1] + ("A" if token[-1] != "A" else "B"), now=NOW)


def test_tokens_depend_on_the_secret_key(settings):
    token = make_token(SLIDE, now=NOW)
    settings.SECRET_KEY = "another secret"
    assert not token_is_valid(SLIDE, token, now=NOW)


def test_a_shorter_cap_shortens_every_token(settings):
    settings.SLIDES = {**copy.deepcopy(settings.SLIDES), "TILE_TOKEN_SECONDS": 60}
    token = make_token(SLIDE, now=NOW)
    assert 30 < expires_at(token) - NOW <= 60
    assert not token_is_valid(SLIDE, signed(SLIDE, NOW + 3600), now=NOW)


@pytest.mark.parametrize("seconds", [3601, 12 * 3600, 1, "3600"])
def test_a_cap_setting_beyond_an_hour_is_refused_with_a_clear_message(settings, seconds):
    settings.SLIDES = {**copy.deepcopy(settings.SLIDES), "TILE_TOKEN_SECONDS": seconds}
    with pytest.raises(ImproperlyConfigured, match="SLIDES_TILE_TOKEN_SECONDS"):
        make_token(SLIDE, now=NOW)


def test_the_cap_is_checked_when_django_starts(settings):
    from django.apps import apps

    settings.SLIDES = {**copy.deepcopy(settings.SLIDES), "TILE_TOKEN_SECONDS": 6 * 3600}
    with pytest.raises(ImproperlyConfigured, match="at most|from 2 to 3600"):
        apps.get_app_config("slides").ready()
