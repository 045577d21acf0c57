"""Reading STOW-RS bodies (slides/stow_multipart.py, pure)."""

from __future__ import annotations

import pytest

from slides.stow_multipart import MultipartError, boundary_of, parts


def body(boundary: str, *payloads: bytes, close: bool = True) -> bytes:
    out = b"preamble\r\n"
    for payload in payloads:
        out += f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        out += payload + b"\r\n"
    if close:
        out += f"--{boundary}--\r\n".encode()
    return out


def test_it_reads_the_boundary_of_a_dicom_multipart():
    header = 'multipart/related; type="application/dicom"; boundary=abc-123'
    assert boundary_of(header) == "abc-123"
    assert boundary_of('Multipart/Related; boundary="q q"; type=application/dicom') == "q q"


@pytest.mark.parametrize(
    "header",
    [
        "application/dicom",
        'multipart/related; type="application/dicom+json"; boundary=x',
        'multipart/related; type="application/dicom"',
    ],
)
def test_it_refuses_other_content_types(header):
    with pytest.raises(MultipartError):
        boundary_of(header)


def test_it_yields_each_part_byte_for_byte():
    # A payload may hold CRLF and even the boundary's text without the leading CRLF--.
    first, second = b"DICM\r\n\x00\xff--b", b"second part"
    found = list(parts(body("b", first, second), "b"))
    assert [bytes(part.payload) for part in found] == [first, second]
    assert {part.content_type for part in found} == {"application/dicom"}


def test_a_body_that_never_closes_is_refused():
    truncated = (
        body("b", b"one", close=False) + b"--b\r\nContent-Type: application/dicom\r\n\r\nhalf"
    )
    with pytest.raises(MultipartError, match="ends inside a part"):
        list(parts(truncated, "b"))


def test_a_body_without_parts_is_refused():
    with pytest.raises(MultipartError):
        list(parts(b"nothing here", "b"))
