"""Reading a STOW-RS request body: `multipart/related; type="application/dicom"` (PS3.18 §10.5).

Pure functions over bytes (a memory map of the spooled body, so a large series is not copied):
the boundary from the Content-Type header, then each part's headers and payload as a
memoryview. Nothing here trusts the body: a missing boundary, a part without a blank line after
its headers or a body that never closes is a `MultipartError`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?', re.IGNORECASE)
_TYPE = re.compile(r'type="?([^";]+)"?', re.IGNORECASE)
DICOM_TYPE = "application/dicom"


class MultipartError(ValueError):
    """The body is not the multipart/related message it says it is."""


@dataclass(frozen=True)
class Part:
    content_type: str
    payload: memoryview


def boundary_of(content_type: str) -> str:
    """The boundary of a `multipart/related` Content-Type whose parts are DICOM files."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "multipart/related":
        raise MultipartError("The request is not multipart/related.")
    part_type = _TYPE.search(content_type)
    if part_type and part_type.group(1).strip().lower() != DICOM_TYPE:
        raise MultipartError("Only application/dicom parts are accepted.")
    match = _BOUNDARY.search(content_type)
    if not match:
        raise MultipartError("The Content-Type names no boundary.")
    return match.group(1)


def _headers(block: bytes) -> dict[str, str]:
    headers = {}
    for line in block.decode("latin-1").split("\r\n"):
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return headers


def parts(body, boundary: str) -> Iterator[Part]:
    """Each part of `body` (bytes, mmap or anything with `find` and slicing) in order."""
    delimiter = b"--" + boundary.encode("latin-1")
    view = memoryview(body)
    position = body.find(delimiter)
    if position < 0:
        raise MultipartError("The body holds no part.")
    while True:
        position += len(delimiter)
        if body[position : position + 2] == b"--":
            return  # the closing delimiter
        header_end = body.find(b"\r\n\r\n", position)
        if header_end < 0:
            raise MultipartError("A part has no end to its headers.")
        headers = _headers(bytes(body[position:header_end]))
        start = header_end + 4
        following = body.find(b"\r\n" + delimiter, start)
        if following < 0:
            raise MultipartError("The body ends inside a part.")
        yield Part(
            content_type=headers.get("content-type", DICOM_TYPE).split(";")[0].strip().lower(),
            payload=view[start:following],
        )
        position = following + 2


class PayloadReader(io.RawIOBase):
    """A part's payload as a seekable binary file, read straight from the memory map (pydicom
    reads headers from it without the part being copied)."""

    def __init__(self, payload: memoryview) -> None:
        super().__init__()
        self._view = payload
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._view)}
        self._position = max(0, base[whence] + offset)
        return self._position

    def readinto(self, buffer) -> int:
        chunk = self._view[self._position : self._position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


def detached(call: Callable[..., Any], *args, **kwargs) -> tuple[Any, Exception | None]:
    """`call(*args, **kwargs)` as (its value, None) or (None, the exception it raised, stripped
    of its traceback). Run on a memory map's views: a traceback keeps the frames that hold them
    alive, and the map could not be closed (BufferError) while the exception goes up through
    its `with`; raise the exception once the map is closed."""
    try:
        return call(*args, **kwargs), None
    except Exception as error:  # handed back, to be raised by the caller
        return None, error.with_traceback(None)
