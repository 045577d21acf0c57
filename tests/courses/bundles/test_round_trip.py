"""Done-when of course bundles: export here, import into a second, empty portal (its own freshly
migrated PostgreSQL database and data folder, in subprocesses), and the course there has the
same tiles (once its educator has passed the new slides through the identifier review),
annotations and tours, and its quizzes score the same answers the same way.

Both commands run under /usr/bin/time, whose elapsed seconds and peak memory are printed (the
README's numbers come from here)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from .conftest import ANSWERS
from .fingerprint import fingerprint

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e s, peak %M KiB", sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _measure(done: subprocess.CompletedProcess) -> str:
    return re.search(r"TIME .*", done.stderr).group(0)


def _database_url(name: str) -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"


@pytest.fixture
def second_database():
    name = f"{connection.settings_dict['NAME']}_second"[:63]
    admin = dict(connection.settings_dict, NAME="postgres")
    with psycopg.connect(
        dbname="postgres", user=admin["USER"], host=admin["HOST"], port=admin["PORT"],
        autocommit=True,
    ) as db:  # fmt: skip
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(
        dbname="postgres", user=admin["USER"], host=admin["HOST"], port=admin["PORT"],
        autocommit=True,
    ) as db:  # fmt: skip
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "TEST_DATABASE_NAME")}
    env.update(
        DATABASE_URL=_database_url(database),
        PORTAL_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


def test_a_bundle_brings_the_same_course_to_an_empty_portal(
    transactional_db, demo_course, second_database, tmp_path, isolated_slide_storage
):
    bundle = tmp_path / "demo.coursebundle.tar"
    here = _env(
        connection.settings_dict["NAME"], Path(isolated_slide_storage["PYRAMID_DIR"]).parent
    )
    exported = _run(["manage.py", "export_course", str(demo_course.uuid), str(bundle)], here)
    assert "tiles" in exported.stderr  # progress

    there_data = tmp_path / "second-portal"
    there = _env(second_database, there_data)
    _run(["manage.py", "migrate", "--no-input", "-v", "0"], there)
    _run(
        ["manage.py", "shell", "-c",
         "from portal.models import User, Role; "
         "User.objects.create_user(username='importer', password='x', role=Role.EDUCATOR)"],
        there,
    )  # fmt: skip
    imported = _run(["manage.py", "import_course", str(bundle), "--owner", "importer"], there)
    assert "100%" in imported.stderr  # progress
    course_uuid = re.search(r"as course ([0-9a-f-]{36})", imported.stdout).group(1)
    # The new slides wait at the review gate; the second portal's educator confirms them.
    reviewed = _run(
        ["manage.py", "shell", "-c",
         "from portal.models import User; from slides import services; "
         "from slides.models import Slide; reviewer = User.objects.get(username='importer'); "
         "waiting = Slide.objects.filter(status='awaiting_review'); "
         "print('REVIEWED', len([services.approve_slide(slide=s, reviewer=reviewer) "
         "for s in waiting]))"],
        there,
    )  # fmt: skip
    assert "REVIEWED 2" in reviewed.stdout
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS))
    printed = _run(["-m", "tests.courses.bundles.fingerprint", course_uuid, str(answers)], there)

    theirs = json.loads(printed.stdout.strip().splitlines()[-1])
    ours = json.loads(json.dumps(fingerprint(demo_course, ANSWERS)))
    assert theirs == ours
    assert all(cs["status"] == "ready" for cs in theirs["case_slides"])
    assert len(theirs["scores"]) == sum(len(v) for v in ANSWERS.values())
    # The tiles were written into the second portal's own data folder.
    assert len(list((there_data / "pyramids").iterdir())) == 2
    assert not any((there_data / "pyramid-staging").iterdir())
    print(f"\nexport: {_measure(exported)}; import: {_measure(imported)};"
          f" bundle {bundle.stat().st_size} bytes")  # fmt: skip
