"""The course bundle format: its name and version, what each record may carry, and the checks a
bundle must pass before anything of it is written. Pure: no Django, no database, no files.

A bundle is an uncompressed tar (tiles are JPEG already), written and read as a stream:

    format.json    {"format": FORMAT, "version": VERSION}: first, so a bundle of another
                   format or version is refused before its tiles are read
    course.json    the course's records, each holding only the fields allow-listed below
    slides/<key>/<level>/<col>_<row>.jpeg
                   every tile of every slide's de-identified pyramid
    manifest.json  last: format, version, and the SHA-256 and size of every other member

The checksums find damage and truncation, not forgery: they are not a signature.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping

FORMAT = "pathology-portal-course-bundle"
VERSION = 1
FORMAT_MEMBER = "format.json"
COURSE_MEMBER = "course.json"
MANIFEST_MEMBER = "manifest.json"
TILE_MEMBER = re.compile(
    r"^slides/(?P<slide>s[0-9]{1,6})/(?P<level>[0-9]{1,2})/(?P<col>[0-9]{1,7})_(?P<row>[0-9]{1,7})\.jpeg$"
)
MAX_JSON_BYTES = 200 * 1024 * 1024
MAX_TILE_BYTES = 16 * 1024 * 1024

# What each record carries: these fields and nothing else. Every field of the models they come
# from is named either here or in EXCLUDED (tests/courses/bundles/test_manifest.py checks both
# against the models, so a new field fails until someone decides which list it belongs to).
# Links between records are bundle-local keys ("key", "slide", "case_slide", ...), never ids.
ALLOWED: dict[str, tuple[str, ...]] = {
    "course": ("title", "description", "cpd_hours"),
    "slide": (
        "title",
        "organ",
        "stain",
        "description",
        "width",
        "height",
        "mpp_x",
        "mpp_y",
        "objective_power",
        "vendor",
        "tile_size",
    ),
    "module": ("title", "position"),
    "case": ("title", "clinical_history", "diagnosis", "discussion", "reveal_allowed", "position"),
    "case_slide": ("stain", "position", "tour_version"),
    "annotation": ("kind", "geometry", "label", "colour", "note", "version"),
    "tour_stop": ("position", "center_x", "center_y", "view_width", "rotation", "text"),
    "quiz": (
        "title",
        "instructions",
        "kind",
        "opens_at",
        "closes_at",
        "time_limit_minutes",
        "attempts_allowed",
        "shuffle_questions",
        "feedback_policy",
        "blind_marking",
        "double_marking",
        "mark_combination",
    ),
    "question": (
        "type",
        "prompt",
        "points",
        "start_center_x",
        "start_center_y",
        "start_view_width",
        "agreement_tolerance",
    ),
    "placement": ("position",),
    "choice": ("key", "text", "feedback", "is_correct", "position"),
    "reference": ("geometry", "value", "tolerance", "full_at", "zero_at", "model_answer"),
}

# Fields of the same models that never leave the portal, and why (links are carried as keys).
EXCLUDED: dict[str, tuple[str, ...]] = {
    # identifiers are made anew; people, join codes and curricula belong to the portal
    "course": (
        "id",
        "uuid",
        "status",
        "owner",
        "join_code",
        "curriculum",
        "cover_slide",
        "created_at",
        "updated_at",
    ),
    # the slide's history here: who uploaded and reviewed it, its original, its build
    "slide": (
        "id",
        "uuid",
        "retired_at",
        "tags",
        "search_document",
        "uploaded_by",
        "status",
        "failure_reason",
        "source_path",
        "source_format",
        "quarantine_until",
        "inspect_attempts",
        "build_level",
        "tiles_done",
        "tiles_total",
        "build_started_at",
        "build_finished_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "created_at",
        "updated_at",
    ),
    "module": ("id", "uuid", "course", "created_at", "updated_at"),
    "case": ("id", "uuid", "module", "outcomes", "created_at", "updated_at"),
    "case_slide": ("id", "uuid", "case", "slide"),
    "annotation": ("id", "uuid", "case_slide", "author", "created_at", "updated_at"),
    "tour_stop": ("id", "case_slide"),
    # examiners are accounts; publication, closing and released marks are this run's state
    "quiz": (
        "id",
        "uuid",
        "course",
        "examiners",
        "questions",
        "published",
        "marks_released_at",
        "closed_at",
        "created_at",
        "updated_at",
    ),
    "question": ("id", "uuid", "course", "case_slide", "outcomes", "created_at", "updated_at"),
    # archived placements exist only for the attempts that had them
    "placement": ("id", "quiz", "question", "archived_at", "created_at"),
    "choice": ("id", "question"),
    # version counts re-scorings of attempts here
    "reference": ("id", "question", "version", "updated_at"),
}

# The keys a record holds besides its allow-listed fields: its own key and its links.
LINKS: dict[str, tuple[str, ...]] = {
    "course": ("cover_slide",),
    "slide": ("key", "pyramid_sha256", "tiles"),
    "module": ("key",),
    "case": ("key", "module"),
    "case_slide": ("key", "case", "slide"),
    "annotation": ("case_slide",),
    "tour_stop": ("case_slide",),
    "quiz": ("key",),
    "question": ("key", "case_slide"),
    "placement": ("quiz", "question"),
    "choice": ("question",),
    "reference": ("question",),
}
COLLECTIONS = {
    "slides": "slide",
    "modules": "module",
    "cases": "case",
    "case_slides": "case_slide",
    "annotations": "annotation",
    "tour_stops": "tour_stop",
    "quizzes": "quiz",
    "questions": "question",
    "placements": "placement",
    "choices": "choice",
    "references": "reference",
}


class BundleRefused(ValueError):
    """The bundle cannot be imported; the message says why, in a sentence for an educator."""


def record_keys(kind: str) -> frozenset[str]:
    return frozenset(ALLOWED[kind]) | frozenset(LINKS[kind])


def format_document() -> dict:
    return {"format": FORMAT, "version": VERSION}


def check_format(document: object) -> None:
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise BundleRefused("This file is not a course bundle.")
    version = document.get("version")
    if version != VERSION:
        raise BundleRefused(
            f"This bundle is version {version!r} of the format; this portal reads version "
            f"{VERSION} only."
        )


def tile_name(slide_key: str, level: int, col: int, row: int) -> str:
    return f"slides/{slide_key}/{level}/{col}_{row}.jpeg"


def pyramid_checksum(tile_digests: Iterable[tuple[int, int, int, str]]) -> str:
    """One SHA-256 for a pyramid: over every (level, col, row, tile SHA-256), in order. Two
    pyramids with the same checksum serve the same bytes for every tile."""
    digest = hashlib.sha256()
    for level, col, row, tile_digest in sorted(tile_digests):
        digest.update(f"{level}/{col}_{row}:{tile_digest}\n".encode())
    return digest.hexdigest()


def manifest_document(members: Mapping[str, tuple[str, int]]) -> dict:
    return {
        **format_document(),
        "members": {name: {"sha256": sha, "size": size} for name, (sha, size) in members.items()},
    }


def check_manifest(manifest: object, seen: Mapping[str, tuple[str, int]]) -> None:
    """Every member read (name → (sha256, size)) is listed with the same checksum and size,
    and every listed member was read."""
    check_format(manifest)
    listed = manifest.get("members") if isinstance(manifest, Mapping) else None
    if not isinstance(listed, Mapping):
        raise BundleRefused("The bundle's manifest lists no members.")
    for name, (sha, size) in seen.items():
        entry = listed.get(name)
        if not isinstance(entry, Mapping):
            raise BundleRefused(f"The bundle holds {name}, which its manifest does not list.")
        if entry.get("sha256") != sha or entry.get("size") != size:
            raise BundleRefused(
                f"{name} does not match its checksum: the bundle was changed or damaged."
            )
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise BundleRefused(
            f"The bundle is incomplete: {len(missing)} member(s) are missing, e.g. {missing[0]}."
        )


def _refuse_unless(condition: bool, reason: str) -> None:
    if not condition:
        raise BundleRefused(f"The bundle's course description is malformed: {reason}.")


def check_course_document(document: object) -> None:
    """Shape only: every collection a list of records with exactly their allowed keys, every
    key unique, every link pointing at a record of the right kind. Field values are checked by
    the models' own validation when the import builds them."""
    _refuse_unless(isinstance(document, Mapping), "not an object")
    _refuse_unless(set(document) == {"course", *COLLECTIONS}, "unexpected or missing sections")
    _refuse_unless(
        isinstance(document["course"], Mapping)
        and set(document["course"]) == record_keys("course"),
        "the course record has unexpected fields",
    )
    keys: dict[str, set[str]] = {}
    for collection, kind in COLLECTIONS.items():
        records = document[collection]
        _refuse_unless(isinstance(records, list), f"{collection} is not a list")
        own = keys.setdefault(kind, set())
        for record in records:
            _refuse_unless(
                isinstance(record, Mapping) and set(record) == record_keys(kind),
                f"a record of {collection} has unexpected or missing fields",
            )
            if "key" in LINKS[kind]:  # (a choice's "key" is its own field, "a", "b"...)
                _refuse_unless(
                    isinstance(record["key"], str) and record["key"] not in own,
                    f"{collection} has a repeated or invalid key",
                )
                own.add(record["key"])
    _check_links(document, keys)


def _check_links(document: Mapping, keys: Mapping[str, set[str]]) -> None:
    link_kinds = {
        "cover_slide": "slide",
        "module": "module",
        "case": "case",
        "slide": "slide",
        "case_slide": "case_slide",
        "quiz": "quiz",
        "question": "question",
    }
    nullable = {("course", "cover_slide"), ("question", "case_slide")}
    for collection, kind in [("course", "course"), *COLLECTIONS.items()]:
        records = [document["course"]] if collection == "course" else document[collection]
        for record in records:
            for link in LINKS[kind]:
                if link not in link_kinds:
                    continue
                value = record[link]
                if value is None and (kind, link) in nullable:
                    continue
                _refuse_unless(
                    value in keys[link_kinds[link]], f"{collection} links to a missing {link}"
                )
    for slide in document["slides"]:
        _refuse_unless(
            re.fullmatch(r"s[0-9]{1,6}", slide["key"]) is not None, "a slide key is invalid"
        )
        _refuse_unless(
            isinstance(slide["tiles"], int) and slide["tiles"] > 0, "a slide has no tiles"
        )
        _refuse_unless(
            isinstance(slide["pyramid_sha256"], str)
            and re.fullmatch(r"[0-9a-f]{64}", slide["pyramid_sha256"]) is not None,
            "a slide's pyramid checksum is invalid",
        )


def dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()


def loads(data: bytes, what: str) -> object:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise BundleRefused(f"The bundle's {what} is not valid JSON.") from error
