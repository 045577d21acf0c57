"""Helpers for tests that start real servers (nginx, moto, gunicorn) as processes of their own."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from collections.abc import Callable


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
