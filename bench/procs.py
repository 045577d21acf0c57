"""Starting and stopping the processes a benchmark needs, so that none outlives the run.

Each process is started in its own session (its own process group), remembered in a registry,
and stopped by its group id: SIGTERM, a grace period, then SIGKILL. `stop_all` runs from the
benchmark's `finally`, from `atexit` and on SIGTERM/SIGINT.
"""

from __future__ import annotations

import atexit
import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

_running: list[subprocess.Popen] = []


class ProcessFailed(RuntimeError):
    """A process the benchmark needs died or did not come up in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    args: list[str], *, log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen:
    """Start `args` in a new process group; stdout and stderr go to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "ab")  # the child inherits it; we close our copy
    try:
        proc = subprocess.Popen(
            args,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    finally:
        handle.close()
    _running.append(proc)
    return proc


def track(proc: subprocess.Popen) -> None:
    """Remember a process started elsewhere (in its own session) so `stop_all` stops it."""
    _running.append(proc)


def stop(proc: subprocess.Popen, *, grace: float = 15.0) -> None:
    """Stop the process group of `proc` (which we started), politely first."""
    if proc in _running:
        _running.remove(proc)
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Children that ignored their parent's exit (a forked worker) still share the group.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def groups() -> set[int]:
    """Process group ids of everything started here and still running."""
    return {proc.pid for proc in _running if proc.poll() is None}


def stop_all() -> None:
    for proc in list(reversed(_running)):
        stop(proc)


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def install_handlers() -> None:
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)


def wait_for_http(
    proc: subprocess.Popen, port: int, path: str, *, timeout: float, log: Path
) -> int:
    """Wait until GET `path` answers (any status); returns the status. Bounded by `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ProcessFailed(f"process exited with {proc.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            time.sleep(0.2)
    raise ProcessFailed(f"nothing answered on port {port} within {timeout:.0f} s; see {log}")


def wait_for_log(proc: subprocess.Popen, log: Path, needle: str, *, timeout: float) -> None:
    """Wait until `needle` appears in `log`. Bounded by `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ProcessFailed(f"process exited with {proc.returncode}; see {log}")
        if log.exists() and needle in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise ProcessFailed(f"{needle!r} did not appear in {log} within {timeout:.0f} s")


def run(args: list[str], *, timeout: float, env: dict[str, str] | None = None, cwd=None) -> str:
    """Run a command to completion (bounded); returns stdout, raises with its output on failure."""
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd, check=False
    )
    if result.returncode != 0:
        raise ProcessFailed(
            f"{' '.join(args)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout
