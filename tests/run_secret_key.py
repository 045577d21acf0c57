"""A pytest plugin (loaded with `-p` in pyproject.toml) that gives each test run its own key.

Settings refuse to start without a real DJANGO_SECRET_KEY when DEBUG is off, and tests run with
DEBUG off. The key must be in the environment before pytest-django imports the settings (which
happens before any conftest.py is read), and worker subprocesses inherit it from there.
"""

from __future__ import annotations

import os
from secrets import token_urlsafe

os.environ.setdefault("DJANGO_SECRET_KEY", token_urlsafe(64))
