"""The site refuses to start on unsafe settings, and the documented production settings are clean.

Each case starts `manage.py check` in a subprocess with its own environment, as a deployment
would start the site, and looks at what an operator would see: the exit status and the message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from secrets import token_urlsafe

ROOT = Path(__file__).resolve().parents[2]
# Long and varied enough to pass the length rule, but written here, so it is in the repository.
COMMITTED_KEY = "committed-to-the-repository-so-never-secret-4f8a1c9e2b7d6a3f5e0c"


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PORTAL_"))
    }
    environment.update(PORTAL_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_debug_is_off_unless_set_and_then_a_missing_key_stops_the_site(tmp_path):
    result = manage(tmp_path, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "DJANGO_DEBUG off" in result.stderr


def test_a_short_key_stops_the_site(tmp_path):
    result = manage(tmp_path, "check", DJANGO_SECRET_KEY="short-but-not-empty")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def test_the_old_public_default_key_stops_the_site(tmp_path):
    result = manage(
        tmp_path, "check", DJANGO_SECRET_KEY="dev-only-insecure-key-change-me-in-production"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_key_written_in_the_repository_stops_the_site(tmp_path):
    result = manage(tmp_path, "check", DJANGO_SECRET_KEY=COMMITTED_KEY)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is written in the project's files" in result.stderr


def test_a_fresh_random_key_starts_the_site(tmp_path):
    result = manage(tmp_path, "check", DJANGO_SECRET_KEY=token_urlsafe(64))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_on_makes_a_private_key_once_and_keeps_it(tmp_path):
    first = manage(tmp_path, "check", DJANGO_DEBUG="1")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "data" / "secret-key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    second = manage(tmp_path, "check", DJANGO_DEBUG="1")
    assert second.returncode == 0, second.stderr
    assert key_file.read_text().strip() == key


def test_the_documented_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DJANGO_HTTPS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_without_the_https_switch_check_deploy_warns(tmp_path):
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        DJANGO_SECRET_KEY=token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )
    assert "security.W004" in result.stdout + result.stderr  # no HSTS
    assert "security.W008" in result.stdout + result.stderr  # no SSL redirect
