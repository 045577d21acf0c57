"""Writes to courses that touch several rows; each is atomic and checks its own invariants.

Access is decided before these are called (courses/access.py); these decide what is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from slides import geometry as geo
from slides import qupath
from slides.models import Slide

from .assessment.selectors import exam_lock
from .models import (
    Case,
    CaseProgress,
    CaseSlide,
    Course,
    Enrolment,
    EnrolmentRole,
    Module,
    TeachingAnnotation,
    TourStop,
    new_join_code,
)

User = get_user_model()
MAX_TOUR_STOPS = 50


class VersionConflict(Exception):
    """Someone else saved first; `current` is what is stored now."""

    def __init__(self, current):
        super().__init__("This was changed by someone else since you loaded it.")
        self.current = current


# --- Courses -------------------------------------------------------------------------------


@transaction.atomic
def create_course(*, owner, title: str, description: str = "") -> Course:
    course = Course(owner=owner, title=title.strip(), description=description.strip())
    course.full_clean(exclude=["owner", "cover_slide"])
    course.save()
    Enrolment.objects.create(user=owner, course=course, role=EnrolmentRole.EDUCATOR)
    return course


def update_course(
    *, course: Course, title: str, description: str, status: str, cover_slide: Slide | None
) -> Course:
    if cover_slide is not None and cover_slide.status != Slide.Status.READY:
        raise ValidationError("The cover must be a slide that passed the identifier review.")
    course.title, course.description = title.strip(), description.strip()
    course.status, course.cover_slide = status, cover_slide
    course.full_clean(exclude=["owner"])
    course.save(update_fields=["title", "description", "status", "cover_slide", "updated_at"])
    return course


def set_join_code(*, course: Course, enabled: bool) -> Course:
    course.join_code = new_join_code() if enabled else None
    course.save(update_fields=["join_code", "updated_at"])
    return course


# --- Ordering ------------------------------------------------------------------------------


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def move(*, item, siblings, direction: str) -> None:
    """Swap `item` with its neighbour above ("up") or below ("down") among `siblings`."""
    ordered = list(siblings.select_for_update().order_by("position", "id"))
    for index, sibling in enumerate(ordered):  # normalise 1..n first: positions may tie
        if sibling.position != index + 1:
            type(sibling).objects.filter(pk=sibling.pk).update(position=index + 1)
            sibling.position = index + 1
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    a, b = ordered[index], ordered[other]
    type(a).objects.filter(pk=a.pk).update(position=b.position)
    type(b).objects.filter(pk=b.pk).update(position=a.position)


@transaction.atomic
def reorder(*, siblings, uuids: list[str]) -> None:
    """Set the order of all `siblings` from a complete list of their UUIDs (drag and drop)."""
    items = {str(item.uuid): item for item in siblings.select_for_update()}
    if sorted(items) != sorted(uuids):
        raise ValidationError("The new order must list every item exactly once.")
    for position, key in enumerate(uuids, start=1):
        type(items[key]).objects.filter(pk=items[key].pk).update(position=position)


# --- Modules and cases ---------------------------------------------------------------------


def add_module(*, course: Course, title: str) -> Module:
    module = Module(course=course, title=title.strip())
    module.position = _next_position(course.modules.all())
    module.full_clean()
    module.save()
    return module


def rename_module(*, module: Module, title: str) -> Module:
    module.title = title.strip()
    module.full_clean()
    module.save(update_fields=["title", "updated_at"])
    return module


def add_case(*, module: Module, title: str) -> Case:
    case = Case(module=module, title=title.strip())
    case.position = _next_position(module.cases.all())
    case.full_clean()
    case.save()
    return case


def update_case(
    *,
    case: Case,
    title: str,
    clinical_history: str,
    diagnosis: str,
    discussion: str,
    reveal_allowed: bool,
) -> Case:
    case.title = title.strip()
    case.clinical_history = clinical_history.strip()
    case.diagnosis = diagnosis.strip()
    case.discussion = discussion.strip()
    case.reveal_allowed = reveal_allowed
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def add_case_slide(*, case: Case, slide: Slide, stain: str) -> CaseSlide:
    if slide.status != Slide.Status.READY:
        raise ValidationError("Only slides that passed the identifier review can be used.")
    if case.case_slides.filter(slide=slide).exists():
        raise ValidationError("This slide is already in the case.")
    case_slide = CaseSlide(case=case, slide=slide, stain=stain.strip() or "H&E")
    case_slide.position = _next_position(case.case_slides.all())
    case_slide.full_clean()
    case_slide.save()
    return case_slide


def update_case_slide(*, case_slide: CaseSlide, stain: str) -> CaseSlide:
    case_slide.stain = stain.strip() or "H&E"
    case_slide.full_clean()
    case_slide.save(update_fields=["stain"])
    return case_slide


# --- Enrolment -----------------------------------------------------------------------------


@dataclass
class EnrolmentReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {len(self.added)}")
        if self.updated:
            parts.append(f"changed the role of {len(self.updated)}")
        if self.unknown:
            parts.append(f"no account for: {', '.join(self.unknown)}")
        return "; ".join(parts) or "nobody to add"


def _find_user(identifier: str):
    identifier = identifier.strip()
    if not identifier:
        return None
    return User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier)).first()


@transaction.atomic
def enrol(*, course: Course, identifiers: list[str], role: str, added_by) -> EnrolmentReport:
    """Give each person (username or e-mail) `role` in the course; unknown people are reported,
    not created."""
    if role not in EnrolmentRole.values:
        raise ValidationError(f"Unknown role {role!r}.")
    report = EnrolmentReport()
    for identifier in dict.fromkeys(i.strip() for i in identifiers if i.strip()):
        user = _find_user(identifier)
        if user is None:
            report.unknown.append(identifier)
            continue
        enrolment, created = Enrolment.objects.get_or_create(
            user=user, course=course, defaults={"role": role, "added_by": added_by}
        )
        if created:
            report.added.append(user.username)
        elif enrolment.role != role:
            _check_not_last_educator(course, enrolment)
            enrolment.role = role
            enrolment.save(update_fields=["role"])
            report.updated.append(user.username)
    return report


def parse_enrolment_csv(data: bytes) -> list[tuple[str, str]]:
    """(identifier, role) rows from a CSV with a header naming `username` or `email`, and
    optionally `role`; a file without a header is read as one identifier per line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file is not UTF-8 text.") from error
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationError("The file is empty.")
    header = [cell.strip().lower() for cell in rows[0]]
    if "username" in header or "email" in header:
        key = header.index("username") if "username" in header else header.index("email")
        role_at = header.index("role") if "role" in header else None
        body = rows[1:]
    else:
        key, role_at, body = 0, None, rows
    parsed = []
    for row in body:
        if len(row) <= key or not row[key].strip():
            continue
        role = row[role_at].strip().lower() if role_at is not None and len(row) > role_at else ""
        if role and role not in EnrolmentRole.values:
            raise ValidationError(f"Unknown role {role!r} for {row[key].strip()}.")
        parsed.append((row[key].strip(), role or EnrolmentRole.TRAINEE))
    if len(parsed) > 5000:
        raise ValidationError("At most 5,000 people per file.")
    return parsed


@transaction.atomic
def enrol_from_csv(*, course: Course, data: bytes, added_by) -> EnrolmentReport:
    report = EnrolmentReport()
    for identifier, role in parse_enrolment_csv(data):
        single = enrol(course=course, identifiers=[identifier], role=role, added_by=added_by)
        report.added += single.added
        report.updated += single.updated
        report.unknown += single.unknown
    return report


def _check_not_last_educator(course: Course, enrolment: Enrolment) -> None:
    if enrolment.role != EnrolmentRole.EDUCATOR:
        return
    others = course.enrolments.filter(role=EnrolmentRole.EDUCATOR).exclude(pk=enrolment.pk)
    if not others.exists():
        raise ValidationError("A course needs at least one educator.")


@transaction.atomic
def remove_enrolment(*, enrolment: Enrolment) -> None:
    _check_not_last_educator(enrolment.course, enrolment)
    enrolment.delete()


@transaction.atomic
def join_with_code(*, user, code: str) -> Course:
    course = Course.objects.filter(join_code=code.strip().upper()).first()
    if course is None or not course.is_published:
        raise ValidationError("That code does not open any course.")
    try:
        with transaction.atomic():
            Enrolment.objects.get_or_create(
                user=user, course=course, defaults={"role": EnrolmentRole.TRAINEE}
            )
    except IntegrityError:
        pass  # joined twice at the same moment: one enrolment either way
    return course


# --- Trainee progress ----------------------------------------------------------------------


def _progress(user, case: Case) -> CaseProgress:
    progress, _ = CaseProgress.objects.get_or_create(user=user, case=case)
    return progress


def record_opened(*, user, case: Case) -> CaseProgress:
    progress = _progress(user, case)
    if progress.opened_at is None:
        CaseProgress.objects.filter(pk=progress.pk, opened_at=None).update(opened_at=timezone.now())
        progress.refresh_from_db()
    return progress


def reveal_diagnosis(*, user, case: Case) -> CaseProgress:
    lock = exam_lock(user).case(case)
    if lock is not None:
        raise ValidationError(lock.sentence)
    if not case.reveal_allowed:
        raise ValidationError("The diagnosis of this case cannot be revealed at the moment.")
    progress = record_opened(user=user, case=case)
    if progress.revealed_at is None:
        progress.revealed_at = timezone.now()
        progress.save(update_fields=["revealed_at"])
    return progress


def mark_completed(*, user, case: Case, completed: bool = True) -> CaseProgress:
    progress = record_opened(user=user, case=case)
    progress.completed_at = timezone.now() if completed else None
    progress.save(update_fields=["completed_at"])
    return progress


# --- Teaching annotations ------------------------------------------------------------------


def _validated(case_slide: CaseSlide, geometry, properties) -> tuple[dict, dict]:
    slide = case_slide.slide
    try:
        return geo.validate_annotation(geometry, properties, width=slide.width, height=slide.height)
    except geo.GeometryError as error:
        raise ValidationError(str(error)) from error


def create_annotation(*, case_slide: CaseSlide, author, geometry, properties) -> TeachingAnnotation:
    geometry, properties = _validated(case_slide, geometry, properties)
    return TeachingAnnotation.objects.create(
        case_slide=case_slide, author=author, geometry=geometry, **properties
    )


@transaction.atomic
def update_annotation(
    *, annotation: TeachingAnnotation, geometry, properties, version: int
) -> TeachingAnnotation:
    """Save an edit made on top of `version`; raises VersionConflict when someone saved since."""
    geometry, properties = _validated(annotation.case_slide, geometry, properties)
    updated = TeachingAnnotation.objects.filter(pk=annotation.pk, version=version).update(
        geometry=geometry, version=F("version") + 1, updated_at=timezone.now(), **properties
    )
    annotation.refresh_from_db()
    if not updated:
        raise VersionConflict(annotation)
    return annotation


@transaction.atomic
def delete_annotation(*, annotation: TeachingAnnotation, version: int) -> None:
    deleted, _ = TeachingAnnotation.objects.filter(pk=annotation.pk, version=version).delete()
    if not deleted:
        current = TeachingAnnotation.objects.filter(pk=annotation.pk).first()
        raise VersionConflict(current)


@transaction.atomic
def import_annotations(*, case_slide: CaseSlide, author, data) -> tuple[int, list[str]]:
    """Add every valid annotation of a QuPath GeoJSON document; returns (added, skip reasons)."""
    slide = case_slide.slide
    try:
        result = qupath.from_geojson(data, width=slide.width, height=slide.height)
    except geo.GeometryError as error:
        raise ValidationError(str(error)) from error
    TeachingAnnotation.objects.bulk_create(
        TeachingAnnotation(case_slide=case_slide, author=author, geometry=geometry, **properties)
        for geometry, properties in result.annotations
    )
    return len(result.annotations), list(result.skipped)


def export_annotations(*, case_slide: CaseSlide) -> dict:
    return qupath.to_feature_collection(
        (annotation.geometry, annotation.properties) for annotation in case_slide.annotations.all()
    )


# --- Guided tours --------------------------------------------------------------------------


@transaction.atomic
def replace_tour(*, case_slide: CaseSlide, stops: list[dict], version: int) -> CaseSlide:
    """Replace the tour with `stops` (each: center_x, center_y, view_width, rotation, text)."""
    locked = CaseSlide.objects.select_for_update().select_related("slide").get(pk=case_slide.pk)
    if locked.tour_version != version:
        raise VersionConflict(locked)
    if len(stops) > MAX_TOUR_STOPS:
        raise ValidationError(f"A tour has at most {MAX_TOUR_STOPS} stops.")
    slide = locked.slide
    rows = []
    for position, stop in enumerate(stops, start=1):
        x, y, width = stop["center_x"], stop["center_y"], stop["view_width"]
        if not (0 <= x <= slide.width and 0 <= y <= slide.height):
            raise ValidationError(f"Stop {position} is outside the slide.")
        if not 0 < width <= 4 * max(slide.width, slide.height):
            raise ValidationError(f"Stop {position} has an impossible zoom.")
        text = stop.get("text", "").strip()
        if not text:
            raise ValidationError(f"Stop {position} needs a sentence saying what to look at.")
        rows.append(
            TourStop(
                case_slide=locked,
                position=position,
                center_x=x,
                center_y=y,
                view_width=width,
                rotation=stop.get("rotation", 0) % 360,
                text=text[:500],
            )
        )
    locked.tour_stops.all().delete()
    TourStop.objects.bulk_create(rows)
    locked.tour_version += 1
    locked.save(update_fields=["tour_version"])
    return locked
