"""Which secret key the site may run with.

The key signs sessions, CSRF tokens and the HMAC tokens in tile URLs. With DEBUG off it guards a
real deployment, so a missing, short or published key must stop the site before it serves a
request, with a message that says what to do. With DEBUG on (the demo) a random key is made once
in the data folder, so sessions survive restarts and no key is ever committed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from secrets import token_urlsafe

from django.core.exceptions import ImproperlyConfigured

# Django's own bar for a key it does not call insecure (check --deploy, security.W009).
MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
# The fallback these settings once shipped with: it is public, so it can never be a real key.
PUBLISHED_KEYS = frozenset({"dev-only-insecure-key-change-me-in-production"})
# Folders that are not the project's own files: local data, installed packages, history,
# build output. Anything else under the project root counts as "in the repository".
NOT_SOURCE = frozenset(
    {
        ".git",
        ".venv",
        "node_modules",
        "var",
        "staticfiles",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        "vendor",
        "out",
    }
)
# Source files are small; skipping big files keeps the start-up scan fast.
MAX_SCANNED_BYTES = 2 * 1024 * 1024

HOW_TO_MAKE_ONE = (
    "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(64))' and keep it out "
    "of the repository (set it in the service's environment)."
)


def production_key(key: str | None, *, source_root: Path, skip: Iterable[Path] = ()) -> str:
    """The key from the environment, or ImproperlyConfigured saying why it cannot be used."""
    if not key:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the site needs its own secret "
            f"key. {HOW_TO_MAKE_ONE}"
        )
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE_CHARACTERS:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak: it needs at least {MIN_LENGTH} characters and "
            f"{MIN_UNIQUE_CHARACTERS} different ones. {HOW_TO_MAKE_ONE}"
        )
    if key in PUBLISHED_KEYS or occurs_in_files(key, source_root, skip=skip):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is written in the project's files, so anyone with the code could "
            f"forge sessions and tile tokens. {HOW_TO_MAKE_ONE}"
        )
    return key


def development_key(key: str | None, *, key_file: Path) -> str:
    """The key from the environment, else one made at random once and kept in `key_file`."""
    if key:
        return key
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    new_key = token_urlsafe(64)
    try:
        # O_EXCL: the web server and the worker may start at the same moment; one key wins.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(new_key + "\n")
    return new_key


def occurs_in_files(key: str, root: Path, *, skip: Iterable[Path] = ()) -> bool:
    """Whether `key` is written in any file of the project under `root`."""
    needle = key.encode()
    skipped = {Path(path).resolve() for path in skip}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [
            name
            for name in subfolders
            if name not in NOT_SOURCE
            and not name.endswith(".egg-info")
            and (Path(folder) / name).resolve() not in skipped
        ]
        for name in files:
            path = Path(folder) / name
            try:
                if path.stat().st_size <= MAX_SCANNED_BYTES and needle in path.read_bytes():
                    return True
            except OSError:
                continue  # unreadable or vanished: not something the site ships
    return False
