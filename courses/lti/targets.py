"""Where a launch lands: the course, case or quiz a link names (custom parameters, set by
Deep Linking or by hand in the LMS), else the course linked to the LMS course."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import Case, Course, Quiz

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
KINDS = ("course", "case", "quiz")


@dataclass(frozen=True)
class Target:
    course: Course
    url: str


def by_uuid(model, value, related=()):
    try:
        return model.objects.select_related(*related).filter(uuid=value).first()
    except ValidationError:
        return None


def course_of(item) -> Course:
    if isinstance(item, Course):
        return item
    if isinstance(item, Case):
        return item.module.course
    return item.course


def named_target(custom: dict | None) -> Target | None:
    """The item the link's custom parameters name, if it exists."""
    custom = custom or {}
    if quiz := by_uuid(Quiz, custom.get("quiz"), ("course",)):
        return Target(quiz.course, reverse("courses:quiz", args=[quiz.uuid]))
    if case := by_uuid(Case, custom.get("case"), ("module__course",)):
        return Target(case.module.course, reverse("courses:case", args=[case.uuid]))
    if course := by_uuid(Course, custom.get("course")):
        return Target(course, reverse("courses:detail", args=[course.uuid]))
    return None


def course_target(course: Course) -> Target:
    return Target(course, reverse("courses:detail", args=[course.uuid]))
