"""Where the JPEG frames of a DICOM WSI's full-resolution level lie in its file, so the pyramid
can copy them as they are (no decode, no re-encode), as it does for SVS and tiled TIFF tiles.

Only the plainest layout qualifies: one VOLUME instance holding the whole level, TILED_FULL,
JPEG Baseline, square frames, one focal plane and optical path, one fragment per frame. Anything
else returns None and the pyramid renders through OpenSlide as before. Frames are copied through
`jpeg_stream.assemble_tile`, which keeps only the segments a decoder needs (no APPn/COM text).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
PIXEL_DATA_HEADER = b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff"  # explicit VR LE, undefined
ITEM = b"\xfe\xff\x00\xe0"
SEQUENCE_END = b"\xfe\xff\xdd\xe0"
PHOTOMETRIC_RGB = "RGB"
PHOTOMETRIC_YCBCR = ("YBR_FULL_422", "YBR_FULL")


@dataclass(frozen=True)
class DicomFrames:
    file: Path
    tile_size: int
    columns: int
    rows: int
    offsets: tuple[int, ...]
    byte_counts: tuple[int, ...]
    rgb_components: bool


def _qualifies(ds, dimensions: tuple[int, int], tile_sizes: range) -> bool:
    image_type = list(ds.get("ImageType") or [])
    return (
        len(image_type) > 2
        and str(image_type[2]).upper() == "VOLUME"
        and str(ds.file_meta.get("TransferSyntaxUID", "")) == JPEG_BASELINE
        # Absent means TILED_FULL order, as OpenSlide reads it (only TILED_SPARSE frames are
        # placed by their per-frame positions).
        and ds.get("DimensionOrganizationType", "TILED_FULL") == "TILED_FULL"
        and (ds.get("TotalPixelMatrixColumns"), ds.get("TotalPixelMatrixRows")) == dimensions
        and ds.get("Rows") == ds.get("Columns")
        and ds.get("Rows") in tile_sizes
        and ds.get("Rows", 1) % 2 == 0
        and ds.get("SamplesPerPixel") == 3
        and ds.get("BitsAllocated") == 8
        and ds.get("PlanarConfiguration", 0) == 0
        and ds.get("PhotometricInterpretation") in (PHOTOMETRIC_RGB, *PHOTOMETRIC_YCBCR)
        and int(ds.get("TotalPixelMatrixFocalPlanes", 1) or 1) == 1
        and int(ds.get("NumberOfOpticalPaths", 1) or 1) == 1
        and "ConcatenationUID" not in ds
    )


def _fragments(handle, start: int) -> list[tuple[int, int]] | None:
    """(offset, length) of each fragment after the basic offset table, read from `start` (the
    Pixel Data element's tag); None when the bytes are not what the header promised."""
    handle.seek(start)
    if handle.read(len(PIXEL_DATA_HEADER)) != PIXEL_DATA_HEADER:
        return None
    position = start + len(PIXEL_DATA_HEADER)
    found: list[tuple[int, int]] = []
    first = True
    while True:
        header = handle.read(8)
        if len(header) < 8:
            return None
        tag, length = header[:4], struct.unpack("<I", header[4:])[0]
        if tag == SEQUENCE_END:
            return found
        if tag != ITEM or length == 0xFFFFFFFF:
            return None
        if not first:
            found.append((position + 8, length))
        first = False
        position += 8 + length
        handle.seek(position)


def locate_frames(
    folder: Path, dimensions: tuple[int, int], tile_sizes: range
) -> DicomFrames | None:
    """The copyable full-resolution frames among the DICOM files of `folder`, or None."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    for path in sorted(folder.glob("*")):
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                ds = pydicom.dcmread(handle, stop_before_pixels=True)
                if not _qualifies(ds, dimensions, tile_sizes):
                    continue
                tile = int(ds.Rows)
                columns = -(-dimensions[0] // tile)
                rows = -(-dimensions[1] // tile)
                if int(ds.get("NumberOfFrames", 1)) != columns * rows:
                    return None
                fragments = _fragments(handle, handle.tell())
        except (InvalidDicomError, OSError, ValueError, AttributeError, TypeError, KeyError):
            continue
        if fragments is None or len(fragments) != columns * rows:
            return None  # several fragments per frame, or a damaged file: render instead
        return DicomFrames(
            file=path,
            tile_size=tile,
            columns=columns,
            rows=rows,
            offsets=tuple(offset for offset, _ in fragments),
            byte_counts=tuple(length for _, length in fragments),
            rgb_components=ds.PhotometricInterpretation == PHOTOMETRIC_RGB,
        )
    return None
