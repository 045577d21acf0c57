"""Writing a course as a bundle (format in `manifest.py`), as a stream of tar blocks.

Only allow-listed fields are read into the bundle, record by record: nothing of trainees
(attempts, answers, marks, progress, enrolments) and no account is ever looked at. Tiles are read
one at a time through `slides.pyramid_transfer`, so memory stays flat whatever the course's size.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal

from slides import pyramid_transfer
from slides.models import Slide

from ..models import (
    CaseSlide,
    Choice,
    Course,
    Question,
    QuizQuestion,
    ReferenceAnswer,
    TeachingAnnotation,
    TourStop,
)
from . import manifest

Progress = Callable[[int, int], None]


class ExportFailed(Exception):
    """The course cannot be exported as it stands; the message says why."""


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _record(kind: str, row, **links) -> dict:
    record = {name: _plain(getattr(row, name)) for name in manifest.ALLOWED[kind]}
    record.update(links)
    return record


def course_document(course: Course) -> tuple[dict, dict[str, Slide]]:
    """Every record of the course, with bundle-local keys for links, and the slide row behind
    each slide key. Reads each slide's tiles once to checksum its pyramid (so an importer that
    has the slide need not store it again)."""
    modules = list(course.modules.order_by("position", "id"))
    module_keys = {m.id: f"m{n}" for n, m in enumerate(modules, 1)}
    cases = [case for m in modules for case in m.cases.order_by("position", "id")]
    case_keys = {c.id: f"c{n}" for n, c in enumerate(cases, 1)}
    case_slides = list(
        CaseSlide.objects.filter(case__in=cases).select_related("slide").order_by("id")
    )
    case_slide_keys = {cs.id: f"cs{n}" for n, cs in enumerate(case_slides, 1)}
    slides = {cs.slide_id: cs.slide for cs in case_slides}
    if course.cover_slide_id:
        slides.setdefault(course.cover_slide_id, course.cover_slide)
    slide_list = sorted(slides.values(), key=lambda s: s.id)
    slide_keys = {s.id: f"s{n}" for n, s in enumerate(slide_list, 1)}
    quizzes = list(course.quizzes.order_by("id"))
    quiz_keys = {q.id: f"q{n}" for n, q in enumerate(quizzes, 1)}
    questions = list(Question.objects.filter(course=course).order_by("id"))
    question_keys = {q.id: f"k{n}" for n, q in enumerate(questions, 1)}
    foreign = [q for q in questions if q.case_slide_id and q.case_slide_id not in case_slide_keys]
    if foreign:
        raise ExportFailed(f"Question {foreign[0].uuid} shows a slide of another course.")
    document = {
        "course": _record("course", course, cover_slide=slide_keys.get(course.cover_slide_id)),
        "slides": [_slide_record(slide, slide_keys[slide.id]) for slide in slide_list],
        "modules": [_record("module", m, key=module_keys[m.id]) for m in modules],
        "cases": [
            _record("case", c, key=case_keys[c.id], module=module_keys[c.module_id]) for c in cases
        ],
        "case_slides": [
            _record(
                "case_slide",
                cs,
                key=case_slide_keys[cs.id],
                case=case_keys[cs.case_id],
                slide=slide_keys[cs.slide_id],
            )
            for cs in case_slides
        ],
        "annotations": [
            _record("annotation", a, case_slide=case_slide_keys[a.case_slide_id])
            for a in TeachingAnnotation.objects.filter(case_slide__in=case_slides).order_by("id")
        ],
        "tour_stops": [
            _record("tour_stop", t, case_slide=case_slide_keys[t.case_slide_id])
            for t in TourStop.objects.filter(case_slide__in=case_slides).order_by("id")
        ],
        "quizzes": [_record("quiz", q, key=quiz_keys[q.id]) for q in quizzes],
        "questions": [
            _record(
                "question",
                q,
                key=question_keys[q.id],
                case_slide=case_slide_keys.get(q.case_slide_id),
            )
            for q in questions
        ],
        "placements": [
            _record(
                "placement", p, quiz=quiz_keys[p.quiz_id], question=question_keys[p.question_id]
            )
            for p in QuizQuestion.objects.filter(
                quiz__in=quizzes, question__in=questions, archived_at__isnull=True
            ).order_by("id")
        ],
        "choices": [
            _record("choice", c, question=question_keys[c.question_id])
            for c in Choice.objects.filter(question__in=questions).order_by("id")
        ],
        "references": [
            _record("reference", r, question=question_keys[r.question_id])
            for r in ReferenceAnswer.objects.filter(question__in=questions).order_by("id")
        ],
    }
    return document, {slide_keys[s.id]: s for s in slide_list}


def _slide_record(slide: Slide, key: str) -> dict:
    if slide.status != Slide.Status.READY:
        raise ExportFailed(f"Slide “{slide.title}” is not ready (it is {slide.status}).")
    try:
        digests = list(pyramid_transfer.tile_digests(slide))
    except pyramid_transfer.PyramidIncomplete as error:
        raise ExportFailed(f"Slide “{slide.title}”: {error}.") from error
    return _record(
        "slide",
        slide,
        key=key,
        pyramid_sha256=manifest.pyramid_checksum(digests),
        tiles=len(digests),
    )


class _Chunks(io.RawIOBase):
    """A write-only file whose written bytes are taken out in pieces by `take`."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def stream_bundle(course: Course, *, progress: Progress | None = None) -> Iterator[bytes]:
    """The bundle's bytes, in pieces of a few tiles each. Raises ExportFailed before the
    first piece when a slide cannot be exported."""
    document, slide_rows = course_document(course)
    total = sum(s["tiles"] for s in document["slides"])
    chunks = _Chunks()
    members: dict[str, tuple[str, int]] = {}
    with tarfile.open(fileobj=chunks, mode="w|", format=tarfile.PAX_FORMAT) as archive:

        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
            members[name] = (hashlib.sha256(data).hexdigest(), len(data))

        add(manifest.FORMAT_MEMBER, manifest.dumps(manifest.format_document()))
        add(manifest.COURSE_MEMBER, manifest.dumps(document))
        yield chunks.take()
        done = 0
        for key, slide in slide_rows.items():
            for level, col, row, data in pyramid_transfer.tiles_of(slide):
                add(manifest.tile_name(key, level, col, row), data)
                done += 1
                if done % 64 == 0:
                    yield chunks.take()
                    if progress:
                        progress(done, total)
        add(manifest.MANIFEST_MEMBER, manifest.dumps(manifest.manifest_document(members)))
    if progress:
        progress(done, total)
    yield chunks.take()


def write_bundle(course: Course, target, *, progress: Progress | None = None) -> int:
    """Write the bundle to an open binary file; returns its size in bytes."""
    size = 0
    for piece in stream_bundle(course, progress=progress):
        target.write(piece)
        size += len(piece)
    return size


def bundle_filename(course: Course) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in course.title.lower()).strip("-")
    return f"{safe[:60] or 'course'}.coursebundle.tar"
