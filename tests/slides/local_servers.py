"""Helpers for tests that start real servers (nginx, moto, gunicorn) as processes of their own."""

from __future__ import annotations

import getpass
import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(
    process: subprocess.Popen, port: int, why_not: Callable[[], str], seconds: float = 30
) -> None:
    """Return once `port` accepts connections; fail with `why_not()` if `process` exits first."""
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, why_not()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on port {port}"
            time.sleep(0.1)


def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@contextmanager
def running_nginx(prefix: Path, upstream: str) -> Iterator[int]:
    """nginx with the shipped configuration (deploy/nginx/portal.conf) in front of `upstream`
    (host:port), as a process of its own under `prefix`; yields the port it listens on."""
    from slides import nginx_config

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    site = nginx_config.Site(
        listen=f"127.0.0.1:{port}", upstream=upstream, key_file=prefix / "tile-key.conf"
    )
    # As root, nginx would run its workers as "nobody", who cannot read the test's files.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    main = nginx_config.write_standalone(prefix, site, workers=1, user=user)
    command = [binary, "-c", str(main), "-p", str(prefix), "-e", str(prefix / "error.log")]
    subprocess.run([*command, "-t"], check=True, capture_output=True, timeout=30)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(process, port, (prefix / "error.log").read_text, seconds=20)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
