"""Shared fixtures: role personas, synthetic slides, processed slides, a real Celery worker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from portal.models import Role, User

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parent.parent


def _make_user(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


@pytest.fixture
def trainee(db):
    return _make_user("trainee", Role.TRAINEE)


@pytest.fixture
def other_trainee(db):
    return _make_user("other_trainee", Role.TRAINEE)


@pytest.fixture
def educator(db):
    return _make_user("educator", Role.EDUCATOR)


@pytest.fixture
def other_educator(db):
    return _make_user("other_educator", Role.EDUCATOR)


@pytest.fixture
def examiner(db):
    return _make_user("examiner", Role.EXAMINER)


@pytest.fixture
def admin_user(db):
    return _make_user("portal_admin", Role.ADMIN)


@pytest.fixture
def outsider(db):
    """Logged in, but with no role in anything."""
    return _make_user("outsider", Role.TRAINEE)


@pytest.fixture(autouse=True)
def isolated_slide_storage(tmp_path, settings):
    """Every test gets its own slide folders, so tests never see each other's files."""
    slides = dict(settings.SLIDES)
    for key, name in (
        ("INCOMING_DIR", "incoming"),
        ("PYRAMID_DIR", "pyramids"),
        ("ALIAS_LINK_DIR", "pyramid-aliases"),
        ("QUARANTINE_DIR", "quarantine"),
    ):
        slides[key] = tmp_path / "slide-data" / name
        slides[key].mkdir(parents=True)
    settings.SLIDES = slides
    return slides


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def slide_files(tmp_path_factory):
    """Small synthetic slides, made once per session (fixtures/synthetic.py)."""
    from fixtures import synthetic

    folder = tmp_path_factory.mktemp("slide-files")
    return {
        "svs": synthetic.make_svs(folder / "svs", width=2000, height=1500),
        "svs_ycbcr": synthetic.make_svs(
            folder / "svs-ycbcr", width=1500, height=1100, photometric="ycbcr"
        ),
        "canary_svs": synthetic.make_svs(folder / "canary", width=1800, height=1300, canary=True),
        "tiff": synthetic.make_generic_tiff(folder / "tiff", width=1300, height=900),
        "tiff_deflate": synthetic.make_generic_tiff(
            folder / "tiff-deflate", width=1000, height=700, compression="deflate"
        ),
        "dicom_zip": synthetic.make_dicom_wsi(
            folder / "dicom", width=1200, height=900, canary=True, as_zip=True
        ),
    }


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy (uploads move their file away)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if path.is_dir():
        shutil.copytree(path, target)
    else:
        shutil.copyfile(path, target)
    return target


@pytest.fixture
def make_processed_slide(db, educator, tmp_path):
    """Create a slide from a fixture file and run the whole pipeline in this process."""
    from slides import pipeline, services

    def make(kind: str = "svs", *, files, title: str = "Processed slide", approve=False):
        slide = services.create_slide(
            uploaded_by=educator,
            original=files[kind],
            original_name=files[kind].name,
            title=title,
            move=False,
        )
        slide = pipeline.run_inline(slide.id)
        if approve:
            slide = services.approve_slide(slide=slide, reviewer=educator)
        return slide

    return make


# --- A real Celery worker --------------------------------------------------------------------


class Worker:
    """A `celery worker` subprocess on the test database and broker (Redis in CI)."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, concurrency: int = 2) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                "default,tiles",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),  # closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start:\n{self.log.read_text()[-3000:]}")

    def kill_hard(self) -> None:
        """kill -9 the worker and every process it started, as a crash or OOM kill would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_hard()


def _purge_broker(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portal", "purge", "-f", "-Q", "default,tiles"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def celery_worker_env(transactional_db, isolated_slide_storage, tmp_path):
    """Environment for worker subprocesses: the test database, this test's slide folders."""
    from django.db import connection

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("worker tests run against PostgreSQL (make test sets DATABASE_URL)")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith(("redis://", "amqp://")):
        pytest.skip("worker tests need a real broker (make test sets CELERY_BROKER_URL)")
    data_dir = Path(isolated_slide_storage["INCOMING_DIR"]).parent
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{connection.settings_dict['NAME']}"
        ),
        PORTAL_DATA_DIR=str(data_dir),
        CELERY_TASK_SOFT_TIME_LIMIT="60",
        CELERY_TASK_TIME_LIMIT="90",
        CELERY_VISIBILITY_TIMEOUT="30",
    )
    # The worker and this process must agree on where slides live.
    assert Path(settings.SLIDES["INCOMING_DIR"]) == data_dir / "incoming"
    _purge_broker(env)
    return env


@pytest.fixture
def celery_worker(celery_worker_env, tmp_path):
    worker = Worker(celery_worker_env, tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()


def wait_for(predicate, timeout: float, interval: float = 0.25, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


# --- A real browser --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(live_server, monkeypatch):
    """Debian's headless Chromium through Playwright, with the live test server running."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs it (apt package chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A Playwright page pointed at the live test server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def keyboard_page(browser, live_server):
    """Like browser_page, but every mouse event it sees is counted (tests/keyboard.py)."""
    from tests.keyboard import keyboard_context_page

    context, page = keyboard_context_page(browser, live_server.url)
    yield page
    context.close()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
