"""Rewriting JPEG streams without decoding them: pure functions over bytes.

Whole-slide TIFFs often store each tile as an abbreviated JPEG stream whose quantisation and
Huffman tables live once in the JPEGTables tag. `assemble_tile` merges the two into a standalone
JPEG a browser can decode, and keeps only the segments needed to decode pixels: every APPn and
COM segment of the source is dropped, because a scanner may hide text there. When the TIFF says
the JPEG holds RGB rather than YCbCr samples, an Adobe APP14 marker with transform 0 tells
decoders not to convert colours. `without_metadata` drops the same text from a standalone JPEG
(a tile that arrives already built, in a course bundle) and leaves everything else as it is.
"""

from __future__ import annotations

import struct

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"
SOS = 0xDA
# Segments needed to decode: tables, frame headers, restart interval.
DECODING_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD})
APP0, APP14, APP15, COM = 0xE0, 0xEE, 0xEF, 0xFE
JFIF_WITHOUT_THUMBNAIL_LENGTH = 16
ADOBE_RGB_SEGMENT = b"\xff\xee" + struct.pack(">H", 14) + b"Adobe" + bytes([0, 100, 0, 0, 0, 0, 0])


class JpegStreamError(ValueError):
    """The bytes are not a JPEG stream this module can rewrite."""


def header_segments(stream: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """Split a JPEG stream into its (marker, whole segment bytes) before SOS.

    Returns the segments and the offset of the SOS marker (len(stream) if the stream is a tables-
    only stream that ends with EOI before any SOS).
    """
    if not stream.startswith(SOI):
        raise JpegStreamError("missing start-of-image marker")
    segments: list[tuple[int, bytes]] = []
    pos = 2
    while pos < len(stream):
        if stream[pos] != 0xFF:
            raise JpegStreamError(f"expected a marker at byte {pos}")
        while pos < len(stream) and stream[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(stream):
            break
        marker = stream[pos]
        start = pos - 1
        if marker == 0xD9:  # EOI of a tables-only stream
            return segments, len(stream)
        if marker == SOS:
            return segments, start
        if pos + 3 > len(stream):
            raise JpegStreamError("segment length cut off")
        (length,) = struct.unpack(">H", stream[pos + 1 : pos + 3])
        if length < 2 or pos + 1 + length > len(stream):
            raise JpegStreamError("segment runs past the end of the stream")
        segments.append((marker, stream[start : pos + 1 + length]))
        pos += 1 + length
    raise JpegStreamError("no scan in the stream")


def assemble_tile(tile: bytes, tables: bytes | None = None, *, rgb_components: bool) -> bytes:
    """A standalone, metadata-free JPEG from a TIFF tile stream and optional JPEGTables."""
    table_segments: list[bytes] = []
    if tables:
        segments, _ = header_segments(tables)
        table_segments = [seg for marker, seg in segments if marker in DECODING_MARKERS]
    segments, scan_offset = header_segments(tile)
    if scan_offset >= len(tile):
        raise JpegStreamError("tile holds no scan")
    tile_segments = [seg for marker, seg in segments if marker in DECODING_MARKERS]
    body = tile[scan_offset:]
    if not body.endswith(EOI):
        body += EOI
    adobe = [ADOBE_RGB_SEGMENT] if rgb_components else []
    return b"".join([SOI, *adobe, *table_segments, *tile_segments, body])


def _is_metadata(marker: int, segment: bytes) -> bool:
    """COM and APPn segments, but a JFIF header without thumbnail and Adobe's colour transform,
    which decoders read."""
    if marker == COM:
        return True
    if not APP0 <= marker <= APP15:
        return False
    payload = segment[4:]
    if marker == APP0:
        return not (
            payload.startswith(b"JFIF\0") and len(segment) == 2 + JFIF_WITHOUT_THUMBNAIL_LENGTH
        )
    return not (marker == APP14 and payload.startswith(b"Adobe"))


def _end_of_scan(stream: bytes, pos: int) -> int:
    """The offset of the first marker after the entropy-coded data starting at `pos`."""
    while True:
        pos = stream.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(stream):
            raise JpegStreamError("the scan runs past the end of the stream")
        following = stream[pos + 1]
        if following == 0xFF:  # a fill byte before a marker
            pos += 1
        elif following == 0 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart marker
            pos += 2
        else:
            return pos


def without_metadata(stream: bytes) -> bytes:
    """`stream` without its COM and APPn segments (except JFIF without thumbnail and Adobe) and
    without anything after its end-of-image marker; the very same bytes when it has none."""
    if not stream.startswith(SOI):
        raise JpegStreamError("missing start-of-image marker")
    kept, pos, dropped = [SOI], 2, False
    while True:
        if pos + 2 > len(stream) or stream[pos] != 0xFF:
            raise JpegStreamError(f"expected a marker at byte {pos}")
        marker = stream[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == EOI[1]:
            kept.append(EOI)
            dropped = dropped or pos + 2 < len(stream)
            break
        if pos + 4 > len(stream):
            raise JpegStreamError("segment length cut off")
        (length,) = struct.unpack(">H", stream[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(stream):
            raise JpegStreamError("segment runs past the end of the stream")
        if _is_metadata(marker, stream[pos:end]):
            dropped = True
        else:
            kept.append(stream[pos:end])
        pos = end
        if marker == SOS:
            scan_end = _end_of_scan(stream, pos)
            kept.append(stream[pos:scan_end])
            pos = scan_end
    return b"".join(kept) if dropped else stream
