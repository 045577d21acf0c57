"""The pure half of the format: version checks, the pyramid checksum, the manifest check."""

from __future__ import annotations

import pytest

from courses.bundles import manifest
from courses.bundles.manifest import BundleRefused


def test_only_this_format_and_version_are_read():
    manifest.check_format({"format": manifest.FORMAT, "version": manifest.VERSION})
    with pytest.raises(BundleRefused, match="version 2"):
        manifest.check_format({"format": manifest.FORMAT, "version": 2})
    with pytest.raises(BundleRefused, match="not a course bundle"):
        manifest.check_format({"format": "moodle-backup", "version": 1})
    with pytest.raises(BundleRefused, match="not a course bundle"):
        manifest.check_format(["not", "an", "object"])


def test_the_pyramid_checksum_ignores_reading_order_but_not_a_tile_or_its_place():
    tiles = [(0, 0, 0, "a" * 64), (1, 0, 0, "b" * 64), (1, 1, 0, "c" * 64)]
    checksum = manifest.pyramid_checksum(tiles)
    assert manifest.pyramid_checksum(reversed(tiles)) == checksum
    assert manifest.pyramid_checksum([*tiles[:2], (1, 1, 0, "d" * 64)]) != checksum
    assert manifest.pyramid_checksum([*tiles[:2], (1, 0, 1, "c" * 64)]) != checksum


def test_the_manifest_check_names_a_changed_a_missing_and_an_unlisted_member():
    seen = {"format.json": ("1" * 64, 10), "course.json": ("2" * 64, 20)}
    listed = manifest.manifest_document(seen)
    manifest.check_manifest(listed, seen)
    with pytest.raises(BundleRefused, match="course.json does not match its checksum"):
        manifest.check_manifest(listed, {**seen, "course.json": ("3" * 64, 20)})
    with pytest.raises(BundleRefused, match="incomplete"):
        manifest.check_manifest(listed, {"format.json": seen["format.json"]})
    with pytest.raises(BundleRefused, match="does not list"):
        manifest.check_manifest(listed, {**seen, "slides/s1/0/0_0.jpeg": ("4" * 64, 5)})


def test_json_that_does_not_parse_or_nests_too_deep_is_a_refusal():
    with pytest.raises(BundleRefused, match="not valid JSON"):
        manifest.loads(b"{nope", "manifest")
    with pytest.raises(BundleRefused, match="not valid JSON"):
        manifest.loads(b"[" * 100_000 + b"]" * 100_000, "manifest")


def _document(**changes) -> dict:
    document = {"course": {k: None for k in manifest.record_keys("course")}}
    document.update({collection: [] for collection in manifest.COLLECTIONS})
    document.update(changes)
    return document


def test_a_course_description_with_a_dangling_link_or_a_stray_section_is_refused():
    manifest.check_course_document(_document())
    case = {k: "" for k in manifest.record_keys("case")} | {"key": "c1", "module": "m9"}
    with pytest.raises(BundleRefused, match="missing module"):
        manifest.check_course_document(_document(cases=[case]))
    with pytest.raises(BundleRefused, match="unexpected or missing sections"):
        manifest.check_course_document(_document(attempts=[]))
