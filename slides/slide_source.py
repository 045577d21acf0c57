"""Reading pixels from an original slide file: OpenSlide, plus raw JPEG tiles when they fit.

`SlideSource.open` checks the decompression-bomb limits from the file's header before any pixel
is decoded. When the full-resolution level is a JPEG-tiled TIFF directory whose square tiles can
be served as they are (Aperio SVS, generic tiled TIFF), or a DICOM WSI instance of JPEG frames
on such a grid (`dicom_frames.py`), `raw_tile` returns a tile's compressed
bytes rewritten into a standalone, metadata-free JPEG: no decode, no re-encode, no quality loss.
"""

from __future__ import annotations

import io
import math
import os
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import openslide
import tifffile
from PIL import Image

from . import dicom_frames, jpeg_stream
from .source_files import SlideRejected

RAW_VENDORS = frozenset({"aperio", "generic-tiff"})
TIFF_JPEG = 7
PHOTOMETRIC_RGB = 2
PHOTOMETRIC_YCBCR = 6
RAW_TILE_SIZES = range(128, 1025)
WHITE = (255, 255, 255)


class TileReadError(Exception):
    """Pixels of the slide could not be read; the message says where."""


_PATH = re.compile(r"(/[^\s:'\"()]+)+")
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def without_paths(message: str) -> str:
    """Library errors may name server paths; reasons shown to people must not."""
    return _PATH.sub("the file", str(message))


def _looks_like_tiff(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in TIFF_MAGIC
    except OSError:
        return False


@dataclass(frozen=True)
class Limits:
    max_dimension: int
    max_pixels: int
    max_levels: int
    # Real scans, even of mostly empty glass, store far more than this per megapixel; a file
    # claiming many pixels in a few bytes is a decompression bomb, not a slide.
    min_bytes_per_megapixel: int = 1000

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        config = settings.SLIDES
        return cls(config["MAX_DIMENSION"], config["MAX_PIXELS"], config["MAX_LEVELS"])


@dataclass(frozen=True)
class RawTileLayout:
    tile_size: int
    columns: int
    rows: int
    offsets: tuple[int, ...]
    byte_counts: tuple[int, ...]
    tables: bytes | None
    rgb_components: bool
    file: Path | None = None  # where the tiles are, when not in the file OpenSlide opened


def _dicom_layout(path: Path, osr: openslide.OpenSlide) -> RawTileLayout | None:
    frames = dicom_frames.locate_frames(path.parent, osr.dimensions, RAW_TILE_SIZES)
    if frames is None:
        return None
    return RawTileLayout(
        tile_size=frames.tile_size,
        columns=frames.columns,
        rows=frames.rows,
        offsets=frames.offsets,
        byte_counts=frames.byte_counts,
        tables=None,
        rgb_components=frames.rgb_components,
        file=frames.file,
    )


def _raw_layout(path: Path, osr: openslide.OpenSlide) -> RawTileLayout | None:
    """The level-0 tile directory of a TIFF (or the level-0 frames of a DICOM WSI) whose JPEG
    tiles can be copied as they are."""
    if osr.properties.get("openslide.vendor") == "dicom":
        return _dicom_layout(path, osr)
    if osr.properties.get("openslide.vendor") not in RAW_VENDORS:
        return None
    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            if not (
                page.is_tiled
                and page.compression == TIFF_JPEG
                and page.tilewidth == page.tilelength
                and page.tilewidth in RAW_TILE_SIZES
                and page.tilewidth % 2 == 0
                and page.planarconfig == 1
                and page.samplesperpixel == 3
                and page.bitspersample == 8
                and page.photometric in (PHOTOMETRIC_RGB, PHOTOMETRIC_YCBCR)
                and (page.imagewidth, page.imagelength) == osr.dimensions
                and page.imagedepth == 1
            ):
                return None
            columns = math.ceil(page.imagewidth / page.tilewidth)
            rows = math.ceil(page.imagelength / page.tilelength)
            if len(page.dataoffsets) != columns * rows:
                return None
            return RawTileLayout(
                tile_size=page.tilewidth,
                columns=columns,
                rows=rows,
                offsets=tuple(page.dataoffsets),
                byte_counts=tuple(page.databytecounts),
                tables=page.jpegtables,
                rgb_components=page.photometric == PHOTOMETRIC_RGB,
            )
    except (tifffile.TiffFileError, OSError, ValueError, KeyError, AttributeError):
        return None


def source_bytes(path: Path) -> int:
    """Bytes on disk behind a slide: the file, or its whole folder for multi-file formats."""
    if path.suffix.lower() in (".mrxs", ".dcm") or not path.suffix:
        return sum(p.stat().st_size for p in path.parent.rglob("*") if p.is_file())
    return path.stat().st_size


MAX_TILE_PIXELS = 4096 * 4096
TIFF_PAGES_CHECKED = 64


def check_tiff_tiles(path: Path) -> None:
    """OpenSlide allocates a whole TIFF tile before decoding it: refuse giant tiles up front."""
    try:
        with tifffile.TiffFile(path) as tif:
            for index, page in enumerate(tif.pages):
                if index >= TIFF_PAGES_CHECKED:
                    break
                tile = (getattr(page, "tilewidth", 0) or 0) * (getattr(page, "tilelength", 0) or 0)
                if tile > MAX_TILE_PIXELS:
                    raise SlideRejected(
                        f"The file's tiles claim {page.tilewidth:,} × {page.tilelength:,} pixels "
                        "each, beyond any scanner's (a damaged file or a decompression bomb)."
                    )
    except (tifffile.TiffFileError, OSError, ValueError, KeyError, AttributeError, IndexError):
        return  # not a TIFF (or not one tifffile reads): OpenSlide decides


def check_header_limits(osr: openslide.OpenSlide, limits: Limits, size_on_disk: int) -> None:
    width, height = osr.dimensions
    if width < 1 or height < 1:
        raise SlideRejected("The slide reports no pixels.")
    if max(width, height) > limits.max_dimension or width * height > limits.max_pixels:
        raise SlideRejected(
            f"The slide claims {width:,} × {height:,} pixels, beyond the limit of this portal "
            "(a damaged file or a decompression bomb); nothing was decoded."
        )
    if osr.level_count > limits.max_levels:
        raise SlideRejected(f"The slide claims {osr.level_count} levels, beyond the limit.")
    megapixels = width * height / 1e6
    if size_on_disk < megapixels * limits.min_bytes_per_megapixel:
        raise SlideRejected(
            f"The file claims {width:,} × {height:,} pixels but holds only {size_on_disk:,} "
            "bytes: far too little for a scan (a damaged file or a decompression bomb); "
            "nothing was decoded."
        )


class SlideSource:
    """An open original, shared by the threads of a process without a lock: OpenSlide's reads
    are thread-safe, raw tiles are read with `os.pread` (no shared file position), and nothing
    else changes after opening (tests/slides/test_concurrent_tiles.py). Only `close` must not
    race a read; shared sources are never closed, they close when the last user lets go."""

    def __init__(self, path: Path, osr: openslide.OpenSlide, raw: RawTileLayout | None):
        self.path = path
        self.osr = osr
        self.raw = raw
        self._fd = os.open(raw.file or path, os.O_RDONLY) if raw else None
        self._size = os.fstat(self._fd).st_size if raw else 0
        # A source dropped by the cache (evicted, cleared, or opened twice by two threads that
        # missed together) closes its descriptor once nothing uses it; OpenSlide does the same.
        self._closer = weakref.finalize(self, os.close, self._fd) if raw else None

    @classmethod
    def open(cls, path: Path, limits: Limits) -> SlideSource:
        try:
            osr = openslide.OpenSlide(path)
        except openslide.OpenSlideUnsupportedFormatError as error:
            if _looks_like_tiff(path):
                raise SlideRejected(
                    "The file starts like a TIFF slide but is damaged or incomplete "
                    "(was the upload or copy cut short?)."
                ) from error
            raise SlideRejected(
                "This file is not a whole-slide image in a format the portal reads "
                "(SVS, NDPI, MRXS, SCN, BIF, Philips TIFF, tiled TIFF, DICOM WSI)."
            ) from error
        except (openslide.OpenSlideError, OSError) as error:
            raise SlideRejected(
                f"The slide file is damaged and could not be opened ({without_paths(error)})."
            ) from error
        check_header_limits(osr, limits, source_bytes(path))
        check_tiff_tiles(path)
        return cls(path, osr, _raw_layout(path, osr))

    def close(self) -> None:
        if self._closer is not None:
            self._closer()  # closes the descriptor once, now
            self._fd = None
        self.osr.close()

    @property
    def dimensions(self) -> tuple[int, int]:
        return self.osr.dimensions

    @property
    def properties(self) -> dict[str, str]:
        return dict(self.osr.properties)

    def raw_tile(self, col: int, row: int) -> bytes:
        """The standalone JPEG of full-resolution tile (col, row), copied, not re-encoded."""
        assert self.raw is not None and self._fd is not None
        index = row * self.raw.columns + col
        offset, count = self.raw.offsets[index], self.raw.byte_counts[index]
        if count <= 0 or offset <= 0 or offset + count > self._size:
            raise TileReadError(f"full-resolution tile {col},{row} points outside the file")
        data = os.pread(self._fd, count, offset)
        try:
            return jpeg_stream.assemble_tile(
                data, self.raw.tables, rgb_components=self.raw.rgb_components
            )
        except jpeg_stream.JpegStreamError as error:
            raise TileReadError(f"full-resolution tile {col},{row} is corrupt: {error}") from error

    def read_region(self, level0_box: tuple[int, int, int, int], size: tuple[int, int]) -> Image:
        """Pixels of a level-0 box, resized to `size`, flattened on white (RGB)."""
        left, top, right, bottom = level0_box
        downsample = max((right - left) / size[0], (bottom - top) / size[1])
        level = self.osr.get_best_level_for_downsample(downsample)
        level_downsample = self.osr.level_downsamples[level]
        read_size = (
            max(1, math.ceil((right - left) / level_downsample)),
            max(1, math.ceil((bottom - top) / level_downsample)),
        )
        try:
            region = self.osr.read_region((left, top), level, read_size)
        except openslide.OpenSlideError as error:
            raise TileReadError(
                f"pixels at {left},{top} could not be read: {without_paths(error)}"
            ) from error
        flat = Image.new("RGB", region.size, WHITE)
        flat.paste(region, mask=region.getchannel("A"))
        if flat.size != size:
            flat = flat.resize(size, Image.Resampling.LANCZOS)
        return flat

    def sample_pixels(self, count: int = 4, size: int = 256) -> None:
        """Decode a few regions spread over the slide so an unreadable file fails in seconds."""
        width, height = self.dimensions
        for i in range(count):
            x = (width - 1) * (i + 1) // (count + 1)
            y = (height - 1) * (i + 1) // (count + 1)
            box = (x, y, min(width, x + size), min(height, y + size))
            self.read_region(box, (box[2] - box[0], box[3] - box[1]))


@lru_cache(maxsize=16)
def _open_cached(path: str, mtime_ns: int) -> SlideSource:
    return SlideSource.open(Path(path), Limits.from_settings())


def open_shared(path: Path) -> SlideSource:
    """An open original shared by every caller and thread in this process (worker tasks, tile
    requests); never close it.

    Keyed by path and modification time, so a replaced file is opened afresh."""
    return _open_cached(str(path), path.stat().st_mtime_ns)


def forget_open_sources() -> None:
    _open_cached.cache_clear()


def decode_jpeg(data: bytes, *, half: bool = False) -> Image.Image:
    """Decode a tile; `half` asks the decoder for half size (DCT scaling, much faster)."""
    try:
        image = Image.open(io.BytesIO(data))
        if half:
            image.draft("RGB", (math.ceil(image.width / 2), math.ceil(image.height / 2)))
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise TileReadError(f"a tile could not be decoded: {error}") from error
    return image.convert("RGB") if image.mode != "RGB" else image


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()
