"""Damaged, truncated, foreign and malformed bundles are refused with a reason, and leave no row
and no file behind."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from courses.bundles import manifest
from courses.bundles.importer import import_bundle
from courses.bundles.manifest import BundleRefused
from slides.deepzoom import DeepZoomGeometry
from slides.models import Slide


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("courses", "slides", "portal")
        for model in apps.get_app_config(app).get_models()
    }


def _files(root: Path) -> list[str]:
    """Every file and folder, but the (empty) staging folder itself."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name != "pyramid-staging")


def _members(path: Path) -> list[tuple[str, bytes]]:
    with tarfile.open(path) as archive:
        return [(m.name, archive.extractfile(m).read()) for m in archive.getmembers()]


def _write(path: Path, members: list[tuple[str, bytes]], *, fix_manifest: bool) -> Path:
    if fix_manifest:
        sums = {n: (hashlib.sha256(d).hexdigest(), len(d)) for n, d in members[:-1]}
        members = [
            *members[:-1],
            (members[-1][0], manifest.dumps(manifest.manifest_document(sums))),
        ]
    with tarfile.open(path, "w") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _changed(bundle: Path, name: str, change, *, fix_manifest: bool = True) -> Path:
    members = [(n, change(d) if n == name else d) for n, d in _members(bundle)]
    return _write(bundle.with_name(f"changed-{bundle.name}"), members, fix_manifest=fix_manifest)


def _course_json(change):
    def edit(data: bytes) -> bytes:
        document = json.loads(data)
        change(document)
        return manifest.dumps(document)

    return edit


@pytest.fixture
def unchanged(bundle_file, isolated_slide_storage):
    """Asserts, after the test, that no row and no file appeared."""
    root = Path(isolated_slide_storage["PYRAMID_DIR"]).parent
    rows, files = _rows(), _files(root)
    yield
    assert _rows() == rows
    assert _files(root) == files


def _refused(path: Path, owner) -> str:
    with open(path, "rb") as source, pytest.raises(BundleRefused) as refusal:
        import_bundle(source, owner=owner, size=path.stat().st_size)
    return str(refusal.value)


def test_a_tile_changed_by_one_byte_is_refused(bundle_file, other_educator, unchanged):
    tile = next(n for n, _ in _members(bundle_file) if n.startswith("slides/"))
    tampered = _changed(
        bundle_file, tile, lambda d: d[:-1] + bytes([d[-1] ^ 1]), fix_manifest=False
    )
    assert "does not match its checksum" in _refused(tampered, other_educator)


def test_a_truncated_bundle_is_refused(bundle_file, other_educator, unchanged, tmp_path):
    truncated = tmp_path / "truncated.tar"
    data = bundle_file.read_bytes()
    with tarfile.open(bundle_file) as archive:
        last = archive.getmember(manifest.MANIFEST_MEMBER)
    # in a tile, before the manifest's header, inside the manifest
    for cut in (len(data) // 2, last.offset, last.offset_data + last.size // 2):
        truncated.write_bytes(data[:cut])
        assert "truncated" in _refused(truncated, other_educator)


def test_a_bundle_of_another_format_version_is_refused(bundle_file, other_educator, unchanged):
    newer = _changed(
        bundle_file,
        manifest.FORMAT_MEMBER,
        lambda d: json.dumps({"format": manifest.FORMAT, "version": 2}).encode(),
    )
    assert "version 2" in _refused(newer, other_educator)


def test_a_member_the_manifest_does_not_list_is_refused(bundle_file, other_educator, unchanged):
    members = _members(bundle_file)
    extra = [*members[:-1], ("notes.txt", b"x"), members[-1]]
    path = _write(bundle_file.with_name("extra.tar"), extra, fix_manifest=False)
    assert "unexpected member" in _refused(path, other_educator)


def test_a_record_with_a_field_outside_the_allow_list_is_refused(
    bundle_file, other_educator, unchanged
):
    def add_field(document):
        document["cases"][0]["author_email"] = "someone@example.org"

    malformed = _changed(bundle_file, manifest.COURSE_MEMBER, _course_json(add_field))
    assert "malformed" in _refused(malformed, other_educator)


def test_records_the_models_refuse_roll_back_every_row_and_installed_pyramid(
    bundle_file, other_educator, unchanged
):
    """The slides count as new here (the originals are hidden from re-use), so pyramids are
    staged and installed before the bad quiz makes the transaction fail."""
    Slide.objects.update(status=Slide.Status.AWAITING_REVIEW)

    def impossible_quiz(document):
        document["quizzes"][0]["attempts_allowed"] = 0

    malformed = _changed(bundle_file, manifest.COURSE_MEMBER, _course_json(impossible_quiz))
    assert "cannot be stored" in _refused(malformed, other_educator)
    Slide.objects.update(status=Slide.Status.READY)


def test_the_command_says_why_it_refused(bundle_file, other_educator, unchanged, tmp_path):
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(bundle_file.read_bytes()[:5000])
    with pytest.raises(CommandError, match="Refused: .*truncated"):
        call_command("import_course", str(truncated), owner=other_educator.username)


def test_a_file_that_is_no_bundle_is_refused(other_educator, unchanged, tmp_path):
    path = tmp_path / "not-a-bundle.tar"
    path.write_bytes(b"PK\x03\x04 certainly not a tar" * 100)
    assert "not a tar" in _refused(path, other_educator)


def test_an_annotation_outside_its_slide_is_refused(bundle_file, other_educator, unchanged):
    def far_away(document):
        document["annotations"][0]["geometry"] = {"type": "Point", "coordinates": [1e9, 5]}

    malformed = _changed(bundle_file, manifest.COURSE_MEMBER, _course_json(far_away))
    assert "annotation" in _refused(malformed, other_educator)


def test_a_sparse_tile_is_refused_before_it_is_read(
    bundle_file, other_educator, unchanged, tmp_path
):
    """A GNU sparse member of a few bytes would read back as megabytes of zeros."""
    members = _members(bundle_file)
    tile = next(n for n, _ in members if n.startswith("slides/"))
    sparse = tmp_path / "sparse-source" / tile
    sparse.parent.mkdir(parents=True)
    with open(sparse, "wb") as handle:
        handle.truncate(8 * 1024 * 1024)
    path = tmp_path / "sparse.tar"
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as archive:
        for name, data in members[:2]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    subprocess.run(
        ["tar", "--sparse", "-rf", str(path), "-C", str(tmp_path / "sparse-source"), tile],
        check=True,
    )
    with open(path, "ab") as handle:  # as long as a bundle holding every tile
        handle.truncate(bundle_file.stat().st_size)
    with tarfile.open(path) as archive:
        sparse_member = archive.getmember(tile)
    assert sparse_member.issparse() and sparse_member.size > path.stat().st_size
    assert "unexpected member" in _refused(path, other_educator)


@pytest.mark.parametrize(
    "change", [{"width": 300_000, "height": 300_000}, {"tile_size": 1}], ids=["huge", "tiny-tiles"]
)
def test_a_slide_beyond_the_upload_limits_is_refused_before_its_tiles(
    bundle_file, other_educator, unchanged, change
):
    def enlarge(document):
        slide = document["slides"][0]
        slide.update(change)
        shape = DeepZoomGeometry(slide["width"], slide["height"], slide["tile_size"])
        slide["tiles"] = shape.total_tiles

    malformed = _changed(bundle_file, manifest.COURSE_MEMBER, _course_json(enlarge))
    assert "larger than this portal accepts" in _refused(malformed, other_educator)


def _reference_of(document: dict, question_type: str) -> dict:
    key = next(q["key"] for q in document["questions"] if q["type"] == question_type)
    return next(r for r in document["references"] if r["question"] == key)


MANY_VERTICES = [[10 + i % 500, 10 + i // 500] for i in range(12_000)]
BOWTIE = [[0, 0], [100, 100], [100, 0], [0, 100], [0, 0]]


@pytest.mark.parametrize(
    ("question_type", "geometry"),
    [
        ("outline", {"type": "LineString", "coordinates": MANY_VERTICES}),
        ("outline", {"type": "Polygon", "coordinates": [BOWTIE]}),
        ("point", {"type": "GeometryCollection", "geometries": []}),
        ("measure", {"type": "Point", "coordinates": [1e9, 1e9]}),
        ("text", {"type": "Point", "coordinates": [5, 5]}),
    ],
    ids=["too-many-vertices", "self-intersecting", "no-target", "outside", "not-spatial"],
)
def test_a_reference_answer_the_quiz_editor_would_refuse_is_refused(
    bundle_file, other_educator, unchanged, question_type, geometry
):
    def replace(document):
        _reference_of(document, question_type)["geometry"] = geometry

    malformed = _changed(bundle_file, manifest.COURSE_MEMBER, _course_json(replace))
    assert "reference answer" in _refused(malformed, other_educator)
