"""Secrets the portal must give back to someone else (a PACS's password or bearer token), kept
encrypted at rest: `SealedTextField` is plain text in Python and Fernet ciphertext in the
database, so a database dump, backup or replica does not hand out the hospital's credentials.

The key is derived from DJANGO_SECRET_KEY with HKDF (SHA-256, a salt of its own, so it is never
the key that signs sessions). Values are read with SECRET_KEY and each of SECRET_KEY_FALLBACKS,
so a rotated secret key keeps old rows readable; they are sealed again under the new key when
next saved (`manage.py reseal_dicomweb_secrets` would be one loop over `save()`). A value
without the `fernet:` prefix (a row from before encryption) is read as it is; the migration
that introduced the field sealed every such row.

A model field, not a save() override or a form's job: every write path (forms, admin, shell,
fixtures) seals, and every read path (the DICOMweb client) gets the plain value.
"""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)

PREFIX = "fernet:"
_SALT = b"portal.slides.sealed_fields"
_INFO = b"dicomweb source secret"


def fernet_for(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    return MultiFernet([fernet_for(key) for key in (settings.SECRET_KEY, *fallbacks)])


def seal(plain: str) -> str:
    """Ciphertext for the database (under the current SECRET_KEY); empty stays empty."""
    if not plain:
        return ""
    return PREFIX + _keys().encrypt(plain.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The plain value. One that no configured key opens (the key it was sealed with was
    dropped from the fallbacks) reads as empty: the source then says it has no secret, its
    pulls fail as unauthorised, and an educator enters it again; nothing else breaks."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return _keys().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken:
        logger.warning("a stored DICOMweb secret cannot be read with the configured keys")
        return ""


class SealedTextField(models.TextField):
    """Text encrypted in the database (see the module's docstring); not searchable."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else unseal(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else seal(value)
