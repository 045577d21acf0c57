"""Courses of cases on slides, who belongs to them, teaching annotations and guided tours.

Course → ordered Modules → ordered Cases → ordered CaseSlides (a library slide with a stain
label) → TeachingAnnotations and TourStops. Enrolment gives a person a role in one course.
Annotation geometry is GeoJSON in level-0 pixel coordinates of the slide (see slides/geometry.py),
the same representation the assessment half uses for answers and reference regions.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from slides.models import Slide


class EnrolmentRole(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    EDUCATOR = "educator", "Educator"
    EXAMINER = "examiner", "Examiner"
    # Educational supervisor: sees the trainees' curriculum coverage, never their answers.
    SUPERVISOR = "supervisor", "Educational supervisor"


def new_join_code() -> str:
    # No 0/O/1/I: codes are read aloud and typed from slides in a lecture theatre.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class CourseQuerySet(models.QuerySet):
    def _with_role(self, user, roles) -> CourseQuerySet:
        enrolled = Enrolment.objects.filter(course=OuterRef("pk"), user=user, role__in=roles)
        return self.filter(Exists(enrolled))

    def visible_to(self, user) -> CourseQuerySet:
        """Educators and examiners see the courses they belong to in any state; trainees only
        published ones; admins everything."""
        if not user.is_authenticated:
            return self.none()
        if user.is_portal_admin:
            return self
        staff = self._with_role(user, [EnrolmentRole.EDUCATOR, EnrolmentRole.EXAMINER])
        taught = self._with_role(user, [EnrolmentRole.TRAINEE]).filter(
            status=Course.Status.PUBLISHED
        )
        return staff | taught

    def managed_by(self, user) -> CourseQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_portal_admin:
            return self
        return self._with_role(user, [EnrolmentRole.EDUCATOR])


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    cover_slide = models.ForeignKey(
        Slide, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    join_code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    curriculum = models.ForeignKey(
        "courses.Curriculum",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    cpd_hours = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="CPD hours on completion."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(max_length=12, choices=EnrolmentRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} as {self.role}"


class Module(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Case(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="cases")
    title = models.CharField(max_length=200)
    # Markdown as the educator wrote it (older cases: simple HTML). Shown only through
    # courses/markdown_text.py (the `markdown` filter), which sanitises what it renders.
    clinical_history = models.TextField(blank=True)
    diagnosis = models.TextField(blank=True)
    discussion = models.TextField(blank=True)
    reveal_allowed = models.BooleanField(
        default=True, help_text="Turn off while a linked exam is open."
    )
    position = models.PositiveIntegerField(default=0)
    outcomes = models.ManyToManyField("courses.Outcome", blank=True, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.title


class CaseSlide(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_slides")
    slide = models.ForeignKey(Slide, on_delete=models.PROTECT, related_name="case_slides")
    stain = models.CharField(max_length=100, default="H&E")
    position = models.PositiveIntegerField(default=0)
    tour_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "slide"], name="slide_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.stain}"


class TeachingAnnotation(models.Model):
    """A shape an educator drew on a case slide, with a label, colour and note."""

    class Kind(models.TextChoices):
        POINT = "point", "Point"
        LINE = "line", "Line"
        ARROW = "arrow", "Arrow"
        RECTANGLE = "rectangle", "Rectangle"
        ELLIPSE = "ellipse", "Ellipse"
        POLYGON = "polygon", "Polygon"
        FREEHAND = "freehand", "Freehand"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_slide = models.ForeignKey(CaseSlide, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    geometry = models.JSONField()
    label = models.CharField(max_length=200, blank=True)
    colour = models.CharField(max_length=7, default="#1f77b4")
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_slide", "created_at", "id"]

    def __str__(self) -> str:
        return self.label or self.kind

    @property
    def properties(self) -> dict:
        return {"label": self.label, "colour": self.colour, "note": self.note, "kind": self.kind}


class TourStop(models.Model):
    """One view of a guided tour: where to look (level-0 pixels) and what to notice."""

    case_slide = models.ForeignKey(CaseSlide, on_delete=models.CASCADE, related_name="tour_stops")
    position = models.PositiveIntegerField()
    center_x = models.FloatField()
    center_y = models.FloatField()
    # Width of the view in level-0 pixels: independent of the screen it is replayed on.
    view_width = models.FloatField()
    rotation = models.FloatField(default=0)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["case_slide", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_slide", "position"], name="one_stop_per_position"
            ),
            models.CheckConstraint(condition=Q(view_width__gt=0), name="tour_view_has_width"),
        ]

    def __str__(self) -> str:
        return f"{self.case_slide} stop {self.position}"


class CaseProgress(models.Model):
    """What a trainee has done with a case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_progress"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="one_progress_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.case}"
