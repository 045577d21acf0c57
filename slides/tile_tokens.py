"""Short-lived signed tokens that authorise tile URLs without a database query per tile.

A page that shows a slide checks access once, then puts `tiles/<token>/...` in the viewer's URLs.
The token binds the slide's public id and an expiry; the tile view checks only the signature and the
clock. Because nothing is looked up per tile, a token is the only thing that ends access: its
lifetime is capped (`SLIDES["TILE_TOKEN_SECONDS"]`, at most `MAX_LIFETIME_SECONDS`), and the
viewer asks for a fresh one (re-checking access) while its page stays open. Someone removed from
a course therefore loses tile access within one cap.

Expiries are rounded up to a grid of half the cap, so every page load in the same half-window
produces the same URL (the browser's tile cache stays warm) while no token outlives the cap. A
token whose expiry lies further ahead than the cap allows is refused even when correctly signed:
only a leaked or forged key could have made it.

The token is "<expiry, decimal seconds>-<signature>", the signature being
base64url(md5("<expiry>:<public id>:<key>")) with key = hex(sha256(salt + SECRET_KEY)): exactly
what nginx's `secure_link` module checks in C (deploy/nginx/portal.conf), so in the nginx
deployment nginx authorises built tiles itself at static-file speed. MD5 is used as nginx's
module requires; the key is a 256-bit secret at the end of a string whose other parts the server
chooses, and a token lives at most an hour. nginx checks the signature and the expiry but not the
cap (it cannot compare numbers); Python checks all three.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SALT = b"slides.tile-token.v2"
MAX_LIFETIME_SECONDS = 3600
# Web nodes' clocks differ a little; a token made on a node whose clock runs ahead must still
# pass on the others. NTP keeps real skew far below this.
CLOCK_SKEW_SECONDS = 60


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(SALT + secret.encode()).digest()


def _signature(subject: str, expires: int) -> str:
    message = f"{expires}:{subject}:{signing_key().hex()}".encode()
    digest = hashlib.md5(message, usedforsecurity=True).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def lifetime_cap() -> int:
    """The configured longest lifetime of a token, in seconds; refuses settings that would
    let a removed trainee keep tile access for longer than `MAX_LIFETIME_SECONDS`."""
    cap = settings.SLIDES["TILE_TOKEN_SECONDS"]
    if not isinstance(cap, int) or not 2 <= cap <= MAX_LIFETIME_SECONDS:
        raise ImproperlyConfigured(
            f"SLIDES_TILE_TOKEN_SECONDS must be a whole number of seconds from 2 to "
            f"{MAX_LIFETIME_SECONDS} (it caps how long tile access outlives a removed "
            f"enrolment); it is {cap!r}."
        )
    return cap


def signing_key() -> bytes:
    """The key tokens are signed with, derived from SECRET_KEY. A front server that checks
    tokens itself (deploy/nginx) is given this, never SECRET_KEY: it can mint tile tokens only."""
    return _key(settings.SECRET_KEY)


def longest_ahead() -> int:
    """How far ahead of now a valid token's expiry may lie, in seconds."""
    return lifetime_cap() + CLOCK_SKEW_SECONDS


def make_token(subject: str, *, now: float | None = None) -> str:
    """A token for `subject` (a slide's public id) that expires between half a cap and one
    cap from `now`."""
    cap = lifetime_cap()
    grid = cap // 2
    now = time.time() if now is None else now
    expires = (int(now) // grid + 2) * grid  # in (now + grid, now + 2 * grid], 2 * grid <= cap
    return f"{expires}-{_signature(subject, expires)}"


def expires_at(token: str) -> int | None:
    """The expiry written in a token (seconds since the epoch), unverified; None if unreadable."""
    expires, _, _ = token.partition("-")
    if not expires.isascii() or not expires.isdigit() or len(expires) > 12:
        return None
    return int(expires)


def token_is_valid(subject: str, token: str, *, now: float | None = None) -> bool:
    expires = expires_at(token)
    if expires is None:
        return False
    now = time.time() if now is None else now
    if expires < now or expires > now + longest_ahead():
        return False
    return hmac.compare_digest(token.partition("-")[2], _signature(subject, expires))
