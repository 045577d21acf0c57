"""The object-storage deployment end to end, over real HTTP: a slide imported here, built by a
real Celery worker with a data folder of its own, its tiles served by two gunicorn web nodes
that share no data folder with it or with each other; the bucket is moto in server mode."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from slides.deepzoom import DeepZoomGeometry
from slides.models import Slide
from slides.tile_tokens import make_token
from tests.conftest import ROOT, Worker, wait_for

from .conftest import S3Server, make_bucket
from .local_servers import free_port, http_get, wait_until_listening

pytestmark = pytest.mark.slow


class WebNode:
    """`gunicorn portal.wsgi` with its own PORTAL_DATA_DIR (its tile cache)."""

    def __init__(self, env: dict[str, str], data_dir: Path):
        self.port = free_port()
        self.data_dir = data_dir
        self.log = data_dir.with_suffix(".log")
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
        command += ["-b", f"127.0.0.1:{self.port}", "-w", "1", "--threads", "4"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "PORTAL_DATA_DIR": str(data_dir), "DJANGO_ALLOWED_HOSTS": "127.0.0.1"},
            stdout=open(self.log, "ab"),  # closed with the process
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(
            self.process, self.port, lambda: self.log.read_text()[-3000:], seconds=60
        )

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return http_get(self.port, path, timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def tile_url(public_id, level: int, col: int, row: int) -> str:
    token = make_token(str(public_id))
    return f"/slides/tiles/{token}/{public_id}_files/{level}/{col}_{row}.jpeg"


def test_import_build_and_serve_from_two_web_nodes_that_share_no_folder(
    celery_worker_env, slide_files, settings, tmp_path
):
    s3 = S3Server(tmp_path / "moto.log")
    bucket = make_bucket(s3, settings)
    env = {**celery_worker_env, **bucket.env}
    worker_env = {**env, "PORTAL_DATA_DIR": str(tmp_path / "worker-machine")}
    worker = Worker(worker_env, tmp_path / "worker.log")
    nodes: list[WebNode] = []
    try:
        worker.start()
        out = io.StringIO()
        call_command("import_slides", str(slide_files["svs"]), "--title", "Elsewhere", stdout=out)
        slide = Slide.objects.get(uuid=out.getvalue().split("\t")[0])
        assert slide_files["svs"].exists()  # an import copies; the admin's file stays
        wait_for(
            lambda: (
                Slide.objects.get(pk=slide.id).status
                in (Slide.Status.AWAITING_REVIEW, Slide.Status.FAILED)
            ),
            timeout=180,
            message="the worker to build the slide",
        )
        slide.refresh_from_db()
        assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
        geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
        assert len(bucket.keys(f"pyramids/{slide.uuid}/")) == geometry.total_tiles
        assert bucket.keys("incoming/") == []
        # No tile is left in this process's folders or the worker's (its scratch is cleared).
        for folder in (Path(settings.SLIDES["PYRAMID_DIR"]), tmp_path / "worker-machine"):
            assert not list(folder.rglob("*.jpeg")), folder

        nodes = [WebNode(env, tmp_path / name) for name in ("web-a", "web-b")]
        top = geometry.max_level
        wanted = [(top, col, row) for col in range(3) for row in range(2)] + [(top - 3, 0, 0)]
        etags = []
        for node in nodes:
            for level, col, row in wanted:
                status, headers, body = node.get(tile_url(slide.uuid, level, col, row))
                key = f"pyramids/{slide.uuid}/{level}/{col}_{row}.jpeg"
                assert status == 200, (node.port, level, col, row)
                assert body == bucket.read(key)
                assert headers["Cache-Control"] == "private, max-age=31536000, immutable"
            cached = node.data_dir / "pyramids" / str(slide.uuid) / str(top) / "0_0.jpeg"
            assert cached.read_bytes() == bucket.read(f"pyramids/{slide.uuid}/{top}/0_0.jpeg")
            etags.append(node.get(tile_url(slide.uuid, top, 0, 0))[1]["ETag"])
        assert etags[0] == etags[1]  # the same tile, the same ETag on every node

        s3.stop()  # from now on only the nodes' caches can answer
        for node in nodes:
            for level, col, row in wanted:
                status, _, body = node.get(tile_url(slide.uuid, level, col, row))
                assert status == 200
                assert (
                    body
                    == (
                        node.data_dir
                        / "pyramids"
                        / str(slide.uuid)
                        / str(level)
                        / f"{col}_{row}.jpeg"
                    ).read_bytes()
                )
            # ... and a tile no node has fetched really is out of reach: the bucket is down.
            assert node.get(tile_url(slide.uuid, top, 4, 3))[0] == 503
    finally:
        for node in nodes:
            node.stop()
        worker.stop()
        s3.stop()
