"""Tile requests in many threads share one open original (`slide_source.open_shared`) with no
lock: every tile comes out as it does one request at a time, and no file descriptor of the
original outlives the cache."""

from __future__ import annotations

import gc
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from slides import pipeline, services, storage
from slides.deepzoom import DeepZoomGeometry
from slides.slide_source import forget_open_sources
from slides.source_files import openable
from tests.slides.test_tile_views import tile_url

THREADS = 12


def descriptors_open_on(path: Path) -> int:
    count = 0
    for entry in os.scandir("/proc/self/fd"):
        try:
            count += os.readlink(entry.path) == str(path)
        except OSError:  # closed since the listing
            continue
    return count


@pytest.mark.parametrize("kind", ["svs", "tiff"])  # raw JPEG copies (pread) / OpenSlide renders
def test_tiles_rendered_in_many_threads_at_once_are_the_tiles_of_one_request(
    kind, client, slide_files, educator
):
    slide = services.create_slide(
        uploaded_by=educator,
        original=slide_files[kind],
        original_name=f"c.{kind}",
        title="Concurrent",
        move=False,
    )
    pipeline.inspect(slide.id, dispatch=[].append)  # geometry known, nothing built
    slide.refresh_from_db()
    original = openable(storage.original_path(slide.source_path))
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    tiles = [
        (level, col, row)
        for level in (geometry.max_level, geometry.max_level - 1)
        for row in range(geometry.tile_grid(level)[1])
        for col in range(geometry.tile_grid(level)[0])
    ][:40]
    urls = [tile_url(slide, *tile) for tile in tiles]
    forget_open_sources()
    one_at_a_time = {url: client.get(url).content for url in urls}
    assert len(set(one_at_a_time.values())) > 1

    forget_open_sources()  # every thread misses the cache together, then shares what it holds
    start = threading.Barrier(THREADS)

    def request_all(seed: int) -> list[tuple[str, int, bytes]]:
        own = Client()
        order = random.Random(seed).sample(urls, len(urls))
        start.wait()
        try:
            return [(url, *_status_and_body(own.get(url))) for url in order]
        finally:
            connections.close_all()  # this thread's, if a request opened one

    with ThreadPoolExecutor(THREADS) as pool:
        answers = [answer for batch in pool.map(request_all, range(THREADS)) for answer in batch]

    assert len(answers) == THREADS * len(urls)
    assert [url for url, status, _ in answers if status != 200] == []
    assert [url for url, _, body in answers if body != one_at_a_time[url]] == []
    forget_open_sources()
    gc.collect()
    assert descriptors_open_on(original) == 0


def _status_and_body(response) -> tuple[int, bytes]:
    return response.status_code, response.content
