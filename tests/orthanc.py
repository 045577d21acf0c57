"""A real Orthanc PACS for tests: Debian's `orthanc` + `orthanc-dicomweb`, started as a process
of its own with the repository's configuration (deploy/orthanc/orthanc.json) on a free port and
a throw-away storage folder, never the packaged service.

`running_orthanc(folder)` is a context manager yielding an `Orthanc` once its REST API answers;
leaving it stops the process. Fixtures in tests/slides/dicomweb/conftest.py wrap it.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "orthanc" / "orthanc.json"
USERNAME = "portal"
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Orthanc:
    port: int
    password: str
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dicomweb_url(self) -> str:
        return f"{self.url}/dicom-web"

    @property
    def auth(self) -> tuple[str, str]:
        return (USERNAME, self.password)

    def rest(self, method: str, path: str, **kwargs) -> requests.Response:
        """A call to Orthanc's own REST API (not DICOMweb), raising on an HTTP error."""
        response = requests.request(method, self.url + path, auth=self.auth, timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def stow(self, files: Iterable[Path]) -> dict:
        """Push DICOM files over STOW-RS, as a PACS's client would; returns the JSON answer."""
        boundary = "portal-test-" + secrets.token_hex(8)
        body = bytearray()
        for path in files:
            body += f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
            body += Path(path).read_bytes() + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        response = requests.post(
            f"{self.dicomweb_url}/studies",
            data=bytes(body),
            auth=self.auth,
            headers={
                "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                "Accept": "application/dicom+json",
            },
            timeout=120,
        )
        response.raise_for_status()
        return response.json()

    def delete_everything(self) -> None:
        for study in self.rest("GET", "/studies").json():
            self.rest("DELETE", f"/studies/{study}")


def binary() -> str:
    return shutil.which("Orthanc") or "/usr/sbin/Orthanc"


@contextmanager
def running_orthanc(folder: Path) -> Iterator[Orthanc]:
    folder.mkdir(parents=True, exist_ok=True)
    storage = folder / "storage"
    log = folder / "orthanc.log"
    server = Orthanc(port=free_port(), password=secrets.token_urlsafe(16), log=log)
    env = {
        "ORTHANC_STORAGE": str(storage),
        "ORTHANC_HTTP_PORT": str(server.port),
        "ORTHANC_PASSWORD": server.password,
        "PATH": "/usr/sbin:/usr/bin:/bin",
    }
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [binary(), str(CONFIG)], env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, f"Orthanc exited:\n{log.read_text()[-4000:]}"
            try:
                if requests.get(f"{server.url}/system", auth=server.auth, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"Orthanc did not start:\n{log.read_text()}"
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
