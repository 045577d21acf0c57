"""The pipeline run in-process: inspect → bands → verify, on every fixture format."""

from __future__ import annotations

import io

import numpy as np
import openslide
import pytest
from PIL import Image

from slides import pipeline, services, storage
from slides.deepzoom import DeepZoomGeometry
from slides.models import PyramidChunk, Slide


def _tile_image(slide, level, col, row) -> np.ndarray:
    path = storage.tile_path(storage.pyramid_dir(slide.uuid), level, col, row)
    return np.asarray(Image.open(io.BytesIO(path.read_bytes())).convert("RGB")).astype(int)


def _reference(source_path, geometry, level, col, row) -> np.ndarray:
    left, top, right, bottom = geometry.tile_box(level, col, row)
    factor = geometry.downsample(level)
    with openslide.OpenSlide(source_path) as osr:
        box = (left * factor, top * factor)
        size = (
            min(right * factor, geometry.width) - box[0],
            min(bottom * factor, geometry.height) - box[1],
        )
        region = osr.read_region(box, 0, size).convert("RGB")
    return np.asarray(region.resize((right - left, bottom - top), Image.Resampling.BOX)).astype(int)


@pytest.mark.parametrize("kind", ["svs", "svs_ycbcr", "tiff", "tiff_deflate"])
def test_a_slide_is_built_verified_and_waits_for_review(kind, slide_files, make_processed_slide):
    slide = make_processed_slide(kind, files=slide_files)
    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    assert slide.tiles_done == slide.tiles_total == geometry.total_tiles
    folder = storage.pyramid_dir(slide.uuid)
    assert len(list(folder.rglob("*.jpeg"))) == geometry.total_tiles
    assert not list(folder.rglob("*.tmp"))
    assert not PyramidChunk.objects.filter(slide=slide).exists()


@pytest.mark.parametrize("kind", ["svs", "svs_ycbcr", "tiff", "tiff_deflate"])
def test_tiles_show_the_same_pixels_as_openslide(kind, slide_files, make_processed_slide):
    slide = make_processed_slide(kind, files=slide_files)
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    top = geometry.max_level
    cols, rows = geometry.tile_grid(top)
    for level, col, row in [
        (top, 1, 1),
        (top, cols - 1, rows - 1),
        (top - 1, 0, 0),
        (top - 3, 0, 0),
    ]:
        tile = _tile_image(slide, level, col, row)
        reference = _reference(slide_files[kind], geometry, level, col, row)
        assert tile.shape == reference.shape
        # JPEG round trips and different downsampling filters: small mean error only.
        assert np.abs(tile - reference).mean() < 6, (level, col, row)


def test_aligned_jpeg_tiles_are_copied_not_re_encoded(slide_files, make_processed_slide):
    slide = make_processed_slide("svs", files=slide_files)
    assert slide.source_format == "raw-jpeg"
    tile = _tile_image(slide, DeepZoomGeometry(slide.width, slide.height).max_level, 1, 1)
    with openslide.OpenSlide(slide_files["svs"]) as osr:
        reference = np.asarray(osr.read_region((256, 256), 0, (256, 256)).convert("RGB")).astype(
            int
        )
    # The very same decoded pixels: no second lossy compression happened.
    assert np.abs(tile - reference).max() <= 2


def test_non_jpeg_sources_are_rendered(slide_files, make_processed_slide):
    assert make_processed_slide("tiff_deflate", files=slide_files).source_format == "rendered"


def test_the_original_is_deleted_once_the_pyramid_is_verified(slide_files, make_processed_slide):
    slide = make_processed_slide("svs", files=slide_files)
    assert slide.source_path == ""
    assert not storage.incoming_dir(slide.uuid).exists()
    assert slide_files["svs"].exists(), "the file we were given is never touched"


def test_a_quarantine_setting_keeps_the_original_privately(
    slide_files, make_processed_slide, settings
):
    settings.SLIDES = {**settings.SLIDES, "QUARANTINE_DAYS": 7}
    slide = make_processed_slide("svs", files=slide_files)
    assert slide.quarantine_until is not None
    assert list(storage.quarantine_dir(slide.uuid).iterdir())
    assert not storage.incoming_dir(slide.uuid).exists()


def test_dicom_zip_is_unpacked_and_built(slide_files, make_processed_slide):
    slide = make_processed_slide("dicom_zip", files=slide_files)
    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    assert slide.vendor == "dicom"
    assert slide.mpp is not None


def test_running_a_band_twice_changes_nothing(slide_files, educator):
    queued = []  # steps by hand: nothing runs on its own
    slide = services.create_slide(
        uploaded_by=educator,
        original=slide_files["svs"],
        original_name="a.svs",
        title="Twice",
        move=False,
    )
    pipeline.inspect(slide.id, dispatch=queued.append)
    chunk = PyramidChunk.objects.filter(slide=slide).order_by("-level", "row_start").first()
    pipeline.build(chunk.id, dispatch=queued.append)
    slide.refresh_from_db()
    done_once = slide.tiles_done
    PyramidChunk.objects.filter(pk=chunk.pk).update(done=False)
    Slide.objects.filter(pk=slide.pk).update(tiles_done=0)
    pipeline.build(chunk.id, dispatch=queued.append)
    slide.refresh_from_db()
    assert done_once == chunk.tile_count
    assert slide.tiles_done == chunk.tile_count


def test_a_band_that_keeps_crashing_fails_the_slide(slide_files, educator, settings):
    queued = []  # steps by hand: nothing runs on its own
    slide = services.create_slide(
        uploaded_by=educator,
        original=slide_files["svs"],
        original_name="a.svs",
        title="Crashy",
        move=False,
    )
    pipeline.inspect(slide.id, dispatch=queued.append)
    chunk = PyramidChunk.objects.filter(slide=slide).first()
    # Three starts that never finished, as if each had killed its worker.
    PyramidChunk.objects.filter(pk=chunk.pk).update(attempts=3)
    pipeline.build(chunk.id, dispatch=queued.append)
    slide.refresh_from_db()
    assert slide.status == Slide.Status.FAILED
    assert "abandoned after 3 attempts" in slide.failure_reason
    assert not storage.pyramid_dir(slide.uuid).exists()
    assert not storage.incoming_dir(slide.uuid).exists()


def test_a_failed_slide_keeps_no_tiles(slide_files, educator, tmp_path):
    broken = tmp_path / "broken.svs"
    data = bytearray(slide_files["svs"].read_bytes())
    broken.write_bytes(bytes(data[: len(data) // 2]))
    slide = services.create_slide(
        uploaded_by=educator, original=broken, original_name="b.svs", title="Half"
    )
    slide = pipeline.run_inline(slide.id)
    assert slide.status == Slide.Status.FAILED
    assert slide.failure_reason
    assert not storage.pyramid_dir(slide.uuid).exists()
