"""Pyramids and waiting originals in an S3-compatible bucket (moto in server mode, real HTTP):
a build on machines that share no folder, the web node's tile cache, deletion, outages."""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path

import pytest
from django.urls import reverse

from slides import object_storage, pipeline, services, storage
from slides.deepzoom import DeepZoomGeometry
from slides.models import PyramidChunk, Slide, SlideAlias
from slides.tile_tokens import make_token
from slides.tiles import get_tile

from .local_servers import free_port
from .test_tile_fast_lane import call


def tile_url(public_id, level: int, col: int, row: int) -> str:
    token = make_token(str(public_id))
    return f"/slides/tiles/{token}/{public_id}_files/{level}/{col}_{row}.jpeg"


def forget_this_machine(slide_uuid) -> None:
    """As if the next step ran on another machine: no original, no tiles here."""
    storage.remove_tree(storage.incoming_dir(slide_uuid))
    storage.remove_tree(storage.pyramid_dir(slide_uuid))


def build_step_by_step_on_fresh_machines(slide_id: int, slide_uuid) -> Slide:
    """`pipeline.run_inline`, but every step starts on an empty data folder."""
    pending: deque[pipeline.Step] = deque()
    pipeline.start(slide_id, dispatch=pending.append)
    while pending:
        forget_this_machine(slide_uuid)
        pipeline.run(pending.popleft(), dispatch=pending.append)
    return Slide.objects.get(pk=slide_id)


def create(educator, slide_files, kind: str) -> Slide:
    return services.create_slide(
        uploaded_by=educator,
        original=slide_files[kind],
        original_name=slide_files[kind].name,
        title="In the bucket",
        move=False,
    )


@pytest.fixture
def stored_slide(bucket, educator, slide_files, django_capture_on_commit_callbacks):
    slide = create(educator, slide_files, "svs")
    with django_capture_on_commit_callbacks(execute=True):
        return pipeline.run_inline(slide.id)


@pytest.mark.parametrize("kind", ["svs", "dicom_zip"])
def test_a_slide_is_built_by_workers_that_share_no_folder(
    kind, bucket, educator, slide_files, django_capture_on_commit_callbacks
):
    slide = create(educator, slide_files, kind)
    assert bucket.keys("incoming/") == [f"incoming/{slide.source_path}"]
    assert not storage.incoming_dir(slide.uuid).exists()  # the web node keeps no original

    with django_capture_on_commit_callbacks(execute=True):
        slide = build_step_by_step_on_fresh_machines(slide.id, slide.uuid)

    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    assert len(bucket.keys(f"pyramids/{slide.uuid}/")) == geometry.total_tiles
    assert bucket.keys("incoming/") == []  # the verified original is gone from the bucket too
    assert not storage.pyramid_dir(slide.uuid).exists()  # the last worker's scratch is cleared


def test_a_missing_tile_is_reported_by_verify_from_the_bucket(bucket, educator, slide_files):
    slide = create(educator, slide_files, "svs")
    pending: deque[pipeline.Step] = deque()
    pipeline.start(slide.id, dispatch=pending.append)
    while pending and pending[0].name != "verify":
        pipeline.run(pending.popleft(), dispatch=pending.append)
    bucket.client.delete_object(Bucket=bucket.name, Key=f"pyramids/{slide.uuid}/0/0_0.jpeg")
    pipeline.run(pending.popleft(), dispatch=pending.append)
    slide.refresh_from_db()
    assert slide.status == Slide.Status.FAILED
    assert "1 tiles missing (first: level 0, tile 0,0)" in slide.failure_reason


def test_a_tile_missing_from_the_cache_is_fetched_into_it(stored_slide, bucket):
    key = f"pyramids/{stored_slide.uuid}/11/1_1.jpeg"
    cached = storage.tile_path(storage.pyramid_dir(stored_slide.uuid), 11, 1, 1)
    assert not cached.exists()

    tile = get_tile(str(stored_slide.uuid), 11, 1, 1)

    assert tile is not None and tile.built
    assert tile.data == bucket.read(key) == cached.read_bytes()
    assert not list(cached.parent.glob("*.tmp"))  # written beside, then renamed
    # The second read is the cache's: the object can go and the tile stays.
    bucket.client.delete_object(Bucket=bucket.name, Key=key)
    assert get_tile(str(stored_slide.uuid), 11, 1, 1).data == tile.data


def test_every_web_node_derives_the_same_etag(stored_slide, settings, tmp_path):
    first = get_tile(str(stored_slide.uuid), 11, 0, 1)
    settings.SLIDES = {**settings.SLIDES, "PYRAMID_DIR": tmp_path / "another-node"}
    second = get_tile(str(stored_slide.uuid), 11, 0, 1)
    assert second.data == first.data
    assert second.etag == first.etag


def test_django_fills_the_cache_and_the_fast_lane_serves_from_it(stored_slide, bucket, client):
    url = tile_url(stored_slide.uuid, 11, 0, 0)
    expected = bucket.read(f"pyramids/{stored_slide.uuid}/11/0_0.jpeg")
    response = client.get(url)  # the fast lane has no file yet and hands the request to Django
    assert response.status_code == 200 and response.content == expected
    bucket.client.delete_object(Bucket=bucket.name, Key=f"pyramids/{stored_slide.uuid}/11/0_0.jpeg")
    status, headers, body = call(url)
    assert status == 200 and body == expected  # from the cache, the object being gone
    assert dict(headers)["ETag"] == response["ETag"]
    assert dict(headers)["Cache-Control"] == "private, max-age=31536000, immutable"


def test_an_exam_alias_reaches_the_bucket_through_its_slide(stored_slide, bucket, client, settings):
    alias = SlideAlias.objects.create(slide=stored_slide, scope="quiz:object-storage").alias
    response = client.get(tile_url(alias, 11, 1, 0))
    assert response.status_code == 200
    assert response.content == bucket.read(f"pyramids/{stored_slide.uuid}/11/1_0.jpeg")
    # ... and the alias's link for nginx leads to the tile in this node's cache.
    link = Path(settings.SLIDES["ALIAS_LINK_DIR"]) / str(alias)
    assert (link / "11" / "1_0.jpeg").read_bytes() == response.content


# Requests the fast lane hands to Django go through the test client: Django's real handler
# would close the test's database connection (see test_tile_fast_lane).


def test_a_tile_the_bucket_does_not_have_is_404_not_500(stored_slide, bucket, client):
    assert client.get(tile_url(stored_slide.uuid, 11, 99, 99)).status_code == 404
    unknown = "11111111-2222-4333-8444-555555555555"
    assert client.get(tile_url(unknown, 11, 0, 0)).status_code == 404


def test_an_unreachable_bucket_is_503_and_a_cached_tile_still_served(
    stored_slide, settings, client
):
    assert client.get(tile_url(stored_slide.uuid, 11, 0, 0)).status_code == 200  # now cached
    closed = f"http://127.0.0.1:{_closed_port()}"
    config = {**settings.SLIDES["OBJECT_STORAGE"], "ENDPOINT_URL": closed}
    settings.SLIDES = {**settings.SLIDES, "OBJECT_STORAGE": config}

    assert call(tile_url(stored_slide.uuid, 11, 0, 0))[0] == 200  # the fast lane, from cache
    response = client.get(tile_url(stored_slide.uuid, 11, 1, 0))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_thumbnail_during_an_outage_is_503(stored_slide, settings, client, educator):
    closed = f"http://127.0.0.1:{_closed_port()}"
    config = {**settings.SLIDES["OBJECT_STORAGE"], "ENDPOINT_URL": closed}
    settings.SLIDES = {**settings.SLIDES, "OBJECT_STORAGE": config}
    client.force_login(educator)
    response = client.get(reverse("slides:thumbnail", args=[stored_slide.uuid]))
    assert response.status_code == 503


def _closed_port() -> int:
    return free_port()  # bound and released: nothing listens there


def test_deleting_a_slide_removes_its_objects(
    stored_slide, bucket, educator, slide_files, django_capture_on_commit_callbacks
):
    other = pipeline.run_inline(create(educator, slide_files, "svs").id)
    assert bucket.keys(f"pyramids/{stored_slide.uuid}/")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_slide(slide=stored_slide)
    assert bucket.keys(f"pyramids/{stored_slide.uuid}/") == []
    assert bucket.keys(f"pyramids/{other.uuid}/")  # only that slide's


def test_a_rejected_slide_leaves_nothing_in_the_bucket(
    stored_slide, bucket, educator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_slide(slide=stored_slide, reviewer=educator, note="A label is visible.")
    assert bucket.keys() == []


def test_a_worker_starting_deletes_the_originals_it_fetched_for_finished_slides(
    bucket, educator, slide_files
):
    waiting = create(educator, slide_files, "svs")
    finished = storage.incoming_dir("11111111-2222-4333-8444-555555555555")
    for folder in (storage.incoming_dir(waiting.uuid), finished):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "slide.svs").write_bytes(b"fetched")
        os.utime(folder, (time.time() - 7200, time.time() - 7200))

    pipeline.resume_unfinished(dispatch=lambda step: None)

    assert not finished.exists()
    assert (storage.incoming_dir(waiting.uuid) / "slide.svs").exists()


def test_a_bucket_outage_during_a_build_is_retried_not_counted_as_a_crash(
    bucket, educator, slide_files, monkeypatch, settings
):
    slide = create(educator, slide_files, "svs")
    pending: deque[pipeline.Step] = deque()
    pipeline.start(slide.id, dispatch=pending.append)
    pipeline.run(pending.popleft(), dispatch=pending.append)  # inspect
    band = pending.popleft()

    def unreachable(*args, **kwargs):
        raise object_storage.ObjectStorageUnavailable("connection refused")

    monkeypatch.setattr(object_storage, "upload_band", unreachable)
    for _ in range(settings.SLIDES["MAX_TASK_ATTEMPTS"] + 1):  # more than a crash may take
        with pytest.raises(object_storage.ObjectStorageUnavailable):
            pipeline.run(band, dispatch=pending.append)
    assert PyramidChunk.objects.get(pk=band.target_id).attempts == 0
    monkeypatch.undo()

    pipeline.run(band, dispatch=pending.append)
    slide.refresh_from_db()
    assert slide.status == Slide.Status.PROCESSING
    assert PyramidChunk.objects.get(pk=band.target_id).done
