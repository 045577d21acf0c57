"""The three HTTP servers under load: the portal, the openslide baseline, and nginx.

Each is a context manager that picks a free port on 127.0.0.1, starts the server in its own
process group, waits (bounded) until it answers, and stops it on exit.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import procs
from .environment import OUT, ROOT, Deployment

WORKERS = 4
THREADS = 4
START_TIMEOUT = 90.0


class _Server:
    name = "server"

    def __init__(self) -> None:
        self.port = procs.free_port()
        self.log = OUT / "logs" / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None

    def command(self) -> tuple[list[str], dict[str, str] | None]:
        raise NotImplementedError

    def __enter__(self):
        args, env = self.command()
        self.proc = procs.start(args, log=self.log, env=env, cwd=ROOT)
        procs.wait_for_http(self.proc, self.port, "/", timeout=START_TIMEOUT, log=self.log)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            procs.stop(self.proc)
            self.proc = None


def _gunicorn(app: str, port: int, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "-w",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        *extra,
    ]


class Portal(_Server):
    """The portal under gunicorn, DJANGO_DEBUG=0, the benchmark's database and cache."""

    name = "portal-gunicorn"

    def __init__(
        self,
        deployment: Deployment,
        *,
        app: str = "portal.wsgi",
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.deployment = deployment
        self.app = app
        self.extra_env = env or {}
        self.args = args

    def command(self):
        return _gunicorn(self.app, self.port, self.args), self.deployment.env | self.extra_env


class Baseline(_Server):
    """openslide-python's Deep Zoom example (254/1, JPEG Q75) under the same gunicorn."""

    name = "baseline-gunicorn"

    def __init__(self, slide: Path) -> None:
        super().__init__()
        self.slide = slide

    def command(self):
        env = dict(os.environ)
        env["BENCH_BASELINE_SLIDE"] = str(self.slide)
        return _gunicorn("bench.baseline_app:app", self.port), env


STATIC_SITE = """\
open_file_cache max=50000 inactive=60s;
types {{
    image/jpeg jpeg;
}}
default_type application/octet-stream;
server {{
    listen 127.0.0.1:{port};
    location ~ "^/slides/tiles/[^/]+/(?<s>[-0-9a-f]+)_files/(?<t>\\d+/\\d+_\\d+\\.jpeg)$" {{
        root {pyramids};
        try_files /$s/$t =404;
        add_header Cache-Control "private, max-age=31536000, immutable";
    }}
    location / {{
        return 404;
    }}
}}
"""


def _nginx_args(conf: Path, prefix: Path, log: Path) -> list[str]:
    """Check `conf`; the command that runs it."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    args = [nginx, "-c", str(conf), "-p", str(prefix), "-e", str(log)]
    procs.run([*args, "-t"], timeout=30)
    return args


def _user() -> str:
    # As root, nginx would run its workers as "nobody"; keep the invoking user instead.
    return f"user {getpass.getuser()};" if os.geteuid() == 0 else ""


class Nginx(_Server):
    """nginx serving the pyramid folder as static files under the portal's tile URLs
    (no token check: the ceiling for any tile server on this machine)."""

    name = "nginx"

    def __init__(self, pyramids: Path, workers: int | str = "auto") -> None:
        super().__init__()
        self.pyramids = pyramids
        self.workers = workers
        self.prefix = OUT / "nginx"

    def command(self):
        from slides import nginx_config  # the same scaffold as the shipped configuration's

        shutil.rmtree(self.prefix, ignore_errors=True)
        site = STATIC_SITE.format(port=self.port, pyramids=self.pyramids)
        conf = nginx_config.write_main(self.prefix, site, workers=self.workers, user=_user())
        return _nginx_args(conf, self.prefix, self.log), None


class PortalNginx(_Server):
    """nginx with the shipped configuration (deploy/nginx/portal.conf, rendered by
    `slides.nginx_config`) in front of a running portal: nginx checks built tiles' tokens
    (secure_link) and sends the files; everything else is proxied to the portal's gunicorn."""

    name = "portal-nginx"

    def __init__(self, portal_port: int, workers: int | str = "auto") -> None:
        super().__init__()
        self.portal_port = portal_port
        self.workers = workers
        self.prefix = OUT / "portal-nginx"

    def command(self):
        from slides import nginx_config  # needs the benchmark's Django settings

        shutil.rmtree(self.prefix, ignore_errors=True)
        site = nginx_config.Site(
            listen=f"127.0.0.1:{self.port}",
            upstream=f"127.0.0.1:{self.portal_port}",
            key_file=self.prefix / "tile-key.conf",
        )
        conf = nginx_config.write_standalone(self.prefix, site, workers=self.workers, user=_user())
        return _nginx_args(conf, self.prefix, self.log), None
