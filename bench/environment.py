"""A private portal deployment for the benchmark: data folder, database, broker, cache.

Everything is reset at the start of a run, so a slide left half-built by an earlier run can never
be picked up by this run's worker. PostgreSQL and Redis are used when they answer on 127.0.0.1
(as in production); otherwise SQLite and the embedded broker, and the report says so.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_urlsafe

from . import procs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA = OUT / "data"
PG = ("-h", "127.0.0.1", "-p", "5432", "-U", "postgres")
# Overridable so that one step can run beside someone else's benchmark on a shared machine.
PG_DATABASE = os.environ.get("BENCH_DATABASE", "bench")
REDIS = "redis://127.0.0.1:6379"
BROKER_DB = int(os.environ.get("BENCH_BROKER_DB", "10"))
CACHE_DB = int(os.environ.get("BENCH_CACHE_DB", "11"))


@dataclass
class Deployment:
    env: dict[str, str]
    database: str
    broker: str
    cache: str
    notes: list[str] = field(default_factory=list)


def _pg_available() -> bool:
    if not shutil.which("pg_isready"):
        return False
    return subprocess.run(["pg_isready", *PG, "-q"], check=False, timeout=10).returncode == 0


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(f"{REDIS}/{BROKER_DB}", socket_timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def prepare(*, reset: bool = True) -> Deployment:
    """Reset the benchmark's own data folder, database and Redis databases; run migrations.
    With `reset=False`, describe the deployment the last run left (for `bench.experiment`)."""
    if reset:
        shutil.rmtree(DATA, ignore_errors=True)
        DATA.mkdir(parents=True)
    env = dict(os.environ)
    env.update(
        PORTAL_DATA_DIR=str(DATA),
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="0",
        # Debug off needs a real key; a fresh one per run is never written anywhere.
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    notes = []
    if _pg_available():
        if reset:
            procs.run(["dropdb", *PG, "--if-exists", "--force", PG_DATABASE], timeout=60)
            procs.run(["createdb", *PG, PG_DATABASE], timeout=60)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
        database = f"PostgreSQL (database {PG_DATABASE!r} on 127.0.0.1)"
    else:
        env["DATABASE_URL"] = f"sqlite:///{DATA / 'portal.sqlite3'}"
        database = "SQLite (PostgreSQL not reachable on 127.0.0.1:5432)"
        notes.append("PostgreSQL was not reachable: SQLite was used.")
    if _redis_available():
        import redis

        for number in (BROKER_DB, CACHE_DB) if reset else ():
            redis.Redis.from_url(f"{REDIS}/{number}").flushdb()
        env["CELERY_BROKER_URL"] = f"{REDIS}/{BROKER_DB}"
        env["CACHE_URL"] = f"{REDIS}/{CACHE_DB}"
        broker = f"Redis {REDIS}/{BROKER_DB}"
        cache = f"Redis {REDIS}/{CACHE_DB}"
    else:
        env.pop("CELERY_BROKER_URL", None)
        env.pop("CACHE_URL", None)
        broker = "embedded filesystem broker (Redis not reachable)"
        cache = "per-process memory cache (Redis not reachable)"
        notes.append("Redis was not reachable: embedded broker and per-process cache were used.")
    procs.run([sys.executable, "manage.py", "migrate", "--noinput"], timeout=600, env=env, cwd=ROOT)
    return Deployment(env=env, database=database, broker=broker, cache=cache, notes=notes)


def setup_django(deployment: Deployment) -> None:
    """Configure this process as one more portal process (the benchmark calls services)."""
    for key in (
        "PORTAL_DATA_DIR",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "LOG_LEVEL",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
    ):
        if key in deployment.env:
            os.environ[key] = deployment.env[key]
        else:
            os.environ.pop(key, None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _first_line(args: list[str]) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def machine() -> dict[str, str]:
    """What the report needs to say about the machine and the software versions."""
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        match = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if match:
            memory = f"{int(match.group(1)) / 1024**2:.1f} GiB"
    except OSError:
        pass
    import celery
    import django
    import gunicorn
    import openslide
    import PIL

    info = {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "openslide": f"{openslide.__library_version__} (openslide-python {openslide.__version__})",
        "libvips": _first_line(["vips", "--version"]),
        "nginx": _first_line(["nginx", "-v"]),
        "wrk": _first_line(["wrk", "-v"]),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "celery": celery.__version__,
        "pillow": PIL.__version__,
    }
    info["nproc"] = _first_line(["nproc"]) if shutil.which("nproc") else info["nproc"]
    if _pg_available():
        info["postgresql"] = _first_line(["psql", *PG, "-Atc", "show server_version", "postgres"])
    if _redis_available():
        import redis

        info["redis"] = str(redis.Redis.from_url(REDIS).info("server").get("redis_version"))
    return info
