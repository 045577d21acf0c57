import io

import pytest
from PIL import Image

from slides import jpeg_stream


def _jpeg(colour=(200, 100, 180), comment=None) -> bytes:
    out = io.BytesIO()
    extra = {"comment": comment} if comment else {}
    Image.new("RGB", (64, 64), colour).save(out, "JPEG", quality=90, **extra)
    return out.getvalue()


def _split_tables(stream: bytes) -> tuple[bytes, bytes]:
    """Turn a full JPEG into (tables-only stream, abbreviated stream), as TIFF stores them."""
    segments, scan = jpeg_stream.header_segments(stream)
    tables = [seg for marker, seg in segments if marker in (0xDB, 0xC4)]
    rest = [seg for marker, seg in segments if marker not in (0xDB, 0xC4)]
    return (
        jpeg_stream.SOI + b"".join(tables) + jpeg_stream.EOI,
        jpeg_stream.SOI + b"".join(rest) + stream[scan:],
    )


def test_merging_tables_gives_a_decodable_image_with_the_same_pixels():
    original = _jpeg()
    tables, abbreviated = _split_tables(original)
    with pytest.raises(OSError):
        Image.open(io.BytesIO(abbreviated)).load()
    merged = jpeg_stream.assemble_tile(abbreviated, tables, rgb_components=False)
    assert Image.open(io.BytesIO(merged)).tobytes() == (Image.open(io.BytesIO(original)).tobytes())


def test_comments_and_application_segments_are_dropped():
    stream = _jpeg(comment=b"Patient CANARY-123")
    assert b"CANARY-123" in stream
    out = jpeg_stream.assemble_tile(stream, None, rgb_components=False)
    assert b"CANARY-123" not in out
    assert b"JFIF" not in out
    Image.open(io.BytesIO(out)).load()


def test_rgb_component_tiles_get_an_adobe_marker():
    out = jpeg_stream.assemble_tile(_jpeg(), None, rgb_components=True)
    assert out[2:4] == b"\xff\xee" and b"Adobe" in out[:30]


@pytest.mark.parametrize("garbage", [b"", b"not a jpeg", b"\xff\xd8\xff\xdb\x00\xff", b"\xff\xd8"])
def test_garbage_is_refused(garbage):
    with pytest.raises(jpeg_stream.JpegStreamError):
        jpeg_stream.assemble_tile(garbage, None, rgb_components=False)


def _with_exif(stream: bytes, text: bytes) -> bytes:
    exif = b"Exif\0\0" + text
    segment = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    return stream[:2] + segment + stream[2:]


def test_without_metadata_drops_comments_exif_and_trailing_bytes_but_keeps_pixels():
    plain = _jpeg()
    tagged = _with_exif(_jpeg(comment=b"Patient CANARY-123"), b"CANARY-EXIF") + b"CANARY-TAIL"
    out = jpeg_stream.without_metadata(tagged)
    assert not any(canary in out for canary in (b"CANARY-123", b"CANARY-EXIF", b"CANARY-TAIL"))
    assert out == plain  # only the metadata went: PIL wrote the same JFIF header and scan
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(plain)).tobytes()


def test_without_metadata_returns_a_clean_stream_unchanged():
    plain = _jpeg()
    assert jpeg_stream.without_metadata(plain) is plain
    adobe = jpeg_stream.assemble_tile(plain, None, rgb_components=True)
    assert jpeg_stream.without_metadata(adobe) is adobe


def test_without_metadata_refuses_what_is_not_a_jpeg():
    for stream in (b"\x89PNG\r\n", _jpeg()[:-40]):
        with pytest.raises(jpeg_stream.JpegStreamError):
            jpeg_stream.without_metadata(stream)
