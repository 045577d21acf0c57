"""kill -9 of a real Celery worker (over Redis) in the middle of a build: the slide still ends
complete after a restart, every tile decodes and nothing half-written is left."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from slides import pipeline, services, storage
from slides.deepzoom import DeepZoomGeometry
from slides.models import Slide
from tests.conftest import Worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def slow_slide(tmp_path_factory):
    """A slide whose tiles must be rendered (deflate), so the build takes a while."""
    from fixtures import synthetic

    folder = tmp_path_factory.mktemp("slow")
    return synthetic.make_generic_tiff(folder, width=9000, height=7000, compression="deflate")


def test_a_build_survives_its_worker_being_killed(
    celery_worker_env, educator, slow_slide, tmp_path
):
    env = {**celery_worker_env, "SLIDES_TILES_PER_CHUNK": "24"}
    worker = Worker(env, tmp_path / "worker-1.log")
    worker.start()
    try:
        slide = services.create_slide(
            uploaded_by=educator,
            original=slow_slide,
            original_name="slow.tiff",
            title="Killed mid-way",
            move=False,
        )
        pipeline.start(slide.id)

        def partly_built():
            slide.refresh_from_db()
            return slide.status == "processing" and 0 < slide.tiles_done < slide.tiles_total // 2

        wait_for(partly_built, timeout=120, interval=0.05, message="the build to start")
        worker.kill_hard()
        slide.refresh_from_db()
        assert slide.status == Slide.Status.PROCESSING
        assert slide.tiles_done < slide.tiles_total
    finally:
        worker.kill_hard()

    restarted = Worker(env, tmp_path / "worker-2.log")
    restarted.start()
    try:
        wait_for(
            lambda: Slide.objects.get(pk=slide.pk).status != Slide.Status.PROCESSING,
            timeout=240,
            message="the build to finish after the restart",
        )
    finally:
        restarted.stop()
    slide.refresh_from_db()
    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    folder = storage.pyramid_dir(slide.uuid)
    tiles = list(folder.rglob("*.jpeg"))
    assert len(tiles) == geometry.total_tiles == slide.tiles_done
    assert not [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".jpeg"]
    for path in tiles:
        Image.open(io.BytesIO(path.read_bytes())).load()
