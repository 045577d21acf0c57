"""A real S3-compatible server for the object-storage tests: moto in server mode, over HTTP."""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from .local_servers import free_port, wait_until_listening

# moto takes any credentials; these only have to be the same on both sides.
ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret"


class S3Server:
    """`python -m moto.server` as a process of its own on a free local port."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=open(log, "ab"),  # closed with the process
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(self.process, self.port, lambda: log.read_text()[-2000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@dataclass
class Bucket:
    name: str
    server: S3Server
    client: object

    @property
    def config(self) -> dict:
        return {
            "BUCKET": self.name,
            "ENDPOINT_URL": self.server.url,
            "REGION": "us-east-1",
            "ACCESS_KEY_ID": ACCESS_KEY,
            "SECRET_ACCESS_KEY": SECRET_KEY,
            "ADDRESSING_STYLE": "path",
        }

    @property
    def env(self) -> dict[str, str]:
        """The same bucket, for processes configured by their environment."""
        return {
            "PORTAL_OBJECT_STORAGE_BUCKET": self.name,
            "PORTAL_OBJECT_STORAGE_ENDPOINT_URL": self.server.url,
            "PORTAL_OBJECT_STORAGE_ACCESS_KEY_ID": ACCESS_KEY,
            "PORTAL_OBJECT_STORAGE_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def make_bucket(server: S3Server, settings) -> Bucket:
    """A new bucket on `server`, made this test's slide storage."""
    client = boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    bucket = Bucket(f"portal-{uuid.uuid4().hex[:16]}", server, client)
    client.create_bucket(Bucket=bucket.name)
    settings.SLIDES = {**settings.SLIDES, "OBJECT_STORAGE": bucket.config}
    return bucket


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    return make_bucket(s3_server, settings)
