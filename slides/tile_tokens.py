"""Short-lived HMAC tokens that authorise tile URLs without a database query per tile.

A page that shows a slide checks access once, then puts `tiles/<token>/...` in the viewer's URLs.
The token binds the slide's public id and an expiry; the tile view checks only the HMAC and the
clock. Expiries are rounded up to a fixed grid so every page load in the same window produces the
same URL, which keeps the browser's tile cache warm.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from functools import lru_cache

from django.conf import settings

SALT = b"slides.tile-token.v1"


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(SALT + secret.encode()).digest()


def _signature(subject: str, expires: int) -> str:
    key = _key(settings.SECRET_KEY)
    digest = hmac.new(key, f"{subject}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def make_token(subject: str, *, now: float | None = None, lifetime: int | None = None) -> str:
    """A token for `subject` (a slide's public id) valid for at least `lifetime` seconds."""
    lifetime = lifetime or settings.SLIDES["TILE_TOKEN_SECONDS"]
    now = time.time() if now is None else now
    expires = (int(now) // lifetime + 2) * lifetime
    return f"{expires:x}-{_signature(subject, expires)}"


def token_is_valid(subject: str, token: str, *, now: float | None = None) -> bool:
    expires_hex, _, signature = token.partition("-")
    try:
        expires = int(expires_hex, 16)
    except ValueError:
        return False
    now = time.time() if now is None else now
    if expires < now:
        return False
    return hmac.compare_digest(signature, _signature(subject, expires))
