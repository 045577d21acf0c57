"""JSON input that PostgreSQL can store: no NUL character in any string."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from portal.json_fields import StorableJSONField, check_storable, contains_nul


@pytest.mark.parametrize(
    "value",
    ["a\x00b", {"label": "a\x00"}, {"a\x00": 1}, [1, [2, {"note": "\x00"}]], ("\x00",)],
)
def test_it_finds_a_nul_in_any_string_keys_included(value):
    assert contains_nul(value)


@pytest.mark.parametrize("value", ["a\\u0000", {"label": "ab"}, [1, 2.5, None, True], {}, ""])
def test_it_finds_none_where_there_is_none(value):
    assert not contains_nul(value)


def test_it_walks_json_nested_deeper_than_the_recursion_limit():
    value: list = ["\x00"]
    for _ in range(50_000):
        value = [value]
    assert contains_nul(value)


def test_the_field_refuses_a_nul_and_keeps_everything_else():
    field = StorableJSONField()
    assert field.run_validation({"text": "fine"}) == {"text": "fine"}
    with pytest.raises(serializers.ValidationError, match="NUL"):
        field.run_validation({"text": "a\x00b"})


def test_check_storable_answers_a_400_with_a_detail():
    with pytest.raises(serializers.ValidationError) as error:
        check_storable({"features": [{"properties": {"name": "\x00"}}]})
    assert error.value.status_code == 400
    assert "NUL" in str(error.value.detail["detail"])
