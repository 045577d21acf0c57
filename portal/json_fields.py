"""JSON input that PostgreSQL can store.

PostgreSQL refuses a NUL character in `text` and in `jsonb` strings; a request that carries one in
an annotation label or a text answer would fail at the database (500) instead of being told what
is wrong (400). The API's JSON inputs go through `StorableJSONField` or `check_storable`.
"""

from __future__ import annotations

from rest_framework import serializers

NUL_MESSAGE = "Text may not contain the NUL character (\\u0000)."


def contains_nul(value: object) -> bool:
    """Whether any string in `value` (keys included) has a NUL character."""
    # A loop, not recursion: values also come from uploaded files and form fields, and a walk
    # need not trust that every one of them was depth-checked first.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def check_storable(value: object) -> object:
    """`value`, or a ValidationError (400) when PostgreSQL could not store it."""
    if contains_nul(value):
        raise serializers.ValidationError({"detail": NUL_MESSAGE})
    return value


class StorableJSONField(serializers.JSONField):
    def to_internal_value(self, data: object) -> object:
        value = super().to_internal_value(data)
        if contains_nul(value):
            raise serializers.ValidationError(NUL_MESSAGE)
        return value
