"""The viewer's zoom limit from a slide's real resolution (slides/zoom.py)."""

from __future__ import annotations

import pytest

from slides.zoom import zoom_limit


def test_a_normal_40x_scan_zooms_to_twice_full_resolution_that_is_80x():
    limit = zoom_limit(width=80_000, height=60_000, mpp=0.25)
    assert limit.max_pixel_ratio == 2.0
    assert limit.max_magnification == 80.0


def test_a_20x_scan_stops_at_40x():
    assert zoom_limit(width=40_000, height=30_000, mpp=0.5).max_magnification == 40.0


def test_a_tiny_slide_with_a_pixel_size_never_passes_80x():
    limit = zoom_limit(width=16, height=16, mpp=0.25)
    assert limit.max_pixel_ratio == 2.0
    assert limit.max_magnification == 80.0


def test_a_tiny_slide_without_a_pixel_size_is_enlarged_at_most_8_times():
    limit = zoom_limit(width=16, height=16, mpp=None)
    assert limit.max_pixel_ratio == 8.0
    assert limit.max_magnification is None


def test_a_scan_finer_than_80x_is_held_at_full_resolution():
    limit = zoom_limit(width=10_000, height=10_000, mpp=0.1)
    assert limit.max_pixel_ratio == 1.0
    assert limit.max_magnification == 100.0


@pytest.mark.parametrize("size", [(128, 64), (64, 128)])
def test_a_small_image_may_fill_512_screen_pixels(size):
    assert zoom_limit(width=size[0], height=size[1], mpp=None).max_pixel_ratio == 4.0
