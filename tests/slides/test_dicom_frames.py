"""Copying a DICOM WSI's full-resolution JPEG frames as they are (slides/dicom_frames.py): found
only in the plainest layout, and pixel for pixel what OpenSlide reads."""

from __future__ import annotations

import io

import numpy as np
import openslide
import pydicom
import pytest
from PIL import Image

from fixtures.synthetic import CANARY, make_dicom_wsi
from slides import jpeg_stream
from slides.dicom_frames import locate_frames

SIZES = range(128, 1025)


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    return make_dicom_wsi(tmp_path_factory.mktemp("frames"), width=1000, height=700, canary=True)


def frame(found, index: int) -> bytes:
    with open(found.file, "rb") as handle:
        handle.seek(found.offsets[index])
        return handle.read(found.byte_counts[index])


def test_the_level_zero_frames_are_found_and_match_openslide(series):
    found = locate_frames(series.parent, (1000, 700), SIZES)
    assert found is not None
    assert (found.file, found.tile_size, found.columns, found.rows) == (series, 256, 4, 3)
    slide = openslide.OpenSlide(series)
    for index in (0, 5, 11):  # 11: the bottom-right edge frame, padded to full size
        tile = jpeg_stream.assemble_tile(frame(found, index), None, rgb_components=False)
        assert CANARY.encode() not in tile
        copied = np.asarray(Image.open(io.BytesIO(tile)).convert("RGB"), dtype=int)
        col, row = index % 4, index // 4
        width, height = min(256, 1000 - col * 256), min(256, 700 - row * 256)
        rendered = slide.read_region((col * 256, row * 256), 0, (width, height)).convert("RGB")
        assert np.abs(copied[:height, :width] - np.asarray(rendered, dtype=int)).max() == 0


def test_another_size_or_a_sparse_layout_is_left_to_openslide(series, tmp_path):
    assert locate_frames(series.parent, (1001, 700), SIZES) is None
    ds = pydicom.dcmread(series)
    ds.DimensionOrganizationType = "TILED_SPARSE"
    ds.save_as(tmp_path / "level-0.dcm", enforce_file_format=True)
    assert locate_frames(tmp_path, (1000, 700), SIZES) is None


def test_frames_split_over_several_fragments_are_left_to_openslide(series, tmp_path):
    from pydicom.encaps import encapsulate, generate_frames

    ds = pydicom.dcmread(series)
    frames = list(generate_frames(ds.PixelData, number_of_frames=int(ds.NumberOfFrames)))
    ds.PixelData = encapsulate(frames, fragments_per_frame=2, has_bot=False)
    ds.save_as(tmp_path / "level-0.dcm", enforce_file_format=True)
    assert locate_frames(tmp_path, (1000, 700), SIZES) is None
