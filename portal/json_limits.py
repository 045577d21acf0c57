"""Limits on JSON that arrives in requests, checked on the raw bytes before any parsing.

Python's json module parses nested arrays and objects by recursion, so a body of 50,000 `[`
ends in RecursionError (a 500) instead of a clear refusal. The depth is measured here without
recursion: strings are removed (brackets inside them do not nest), everything but brackets is
deleted (`bytes.translate`), and the running count of opening minus closing brackets is taken
in C (`itertools.accumulate`): about 0.3 s for the largest body the site accepts (40 MB).
GeoJSON needs a depth of four or five; 64 leaves room for any real payload.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

MAX_DEPTH = 64

# A JSON string: quotes around anything but quotes and backslashes, or escapes. Possessive
# quantifiers keep the regex engine from backtracking through a long string.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


class JSONLimitExceeded(ValueError):
    """The JSON nests too deeply; the message is meant for the client."""


def nesting_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in `data` (0 for a bare value)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check(data: bytes, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise JSONLimitExceeded when `data` nests deeper than `max_depth`. (Sizes are limited
    where the bytes are read: DATA_UPLOAD_MAX_MEMORY_SIZE, or the upload's own limit.)"""
    if nesting_depth(data) > max_depth:
        raise JSONLimitExceeded(
            f"The JSON nests arrays and objects more than {max_depth} levels deep."
        )


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> object:
    """json.loads after `check`; raises JSONLimitExceeded or json.JSONDecodeError (ValueErrors)."""
    raw = data.encode() if isinstance(data, str) else data
    check(raw, max_depth=max_depth)
    try:
        return json.loads(raw)
    except RecursionError:  # only on a tiny stack; the depth check keeps far below Python's
        raise JSONLimitExceeded("The JSON nests too deeply to read.") from None
