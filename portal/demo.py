"""The demo accounts `make run` creates (documented in the README)."""

from __future__ import annotations

DEMO_PASSWORD = "teach-path-2026"
DEMO_ACCOUNTS = [
    {"username": "educator", "role": "educator", "password": DEMO_PASSWORD},
    {"username": "trainee", "role": "trainee", "password": DEMO_PASSWORD},
    {"username": "examiner", "role": "examiner", "password": DEMO_PASSWORD},
    {"username": "admin", "role": "admin", "password": DEMO_PASSWORD},
]
