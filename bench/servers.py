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


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    open_file_cache max=50000 inactive=60s;
    client_body_temp_path {prefix}/tmp/client;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
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
}}
"""


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
        shutil.rmtree(self.prefix, ignore_errors=True)
        (self.prefix / "tmp").mkdir(parents=True)
        # As root, nginx would run its workers as "nobody"; keep the invoking user instead.
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        conf = self.prefix / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                workers=self.workers,
                prefix=self.prefix,
                user=user,
                port=self.port,
                pyramids=self.pyramids,
            )
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        procs.run(
            [nginx, "-t", "-c", str(conf), "-p", str(self.prefix), "-e", str(self.log)], timeout=30
        )
        return [nginx, "-c", str(conf), "-p", str(self.prefix), "-e", str(self.log)], None
