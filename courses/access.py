"""Who may see and change which course, case and case slide.

Every lookup answers 404 both when the object is missing and when it is forbidden, so ids leak
nothing. "See" follows `Course.objects.visible_to`; "manage" follows `managed_by` (the course's
educators and admins).
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from .models import Case, CaseSlide, Course, Enrolment, EnrolmentRole, Module, TeachingAnnotation


def _one(queryset, what: str):
    obj = queryset.first()
    if obj is None:
        raise Http404(f"No such {what}.")
    return obj


def get_course_for_user(user, course_uuid: UUID | str) -> Course:
    return _one(Course.objects.visible_to(user).filter(uuid=course_uuid), "course")


def get_course_for_manager(user, course_uuid: UUID | str) -> Course:
    return _one(Course.objects.managed_by(user).filter(uuid=course_uuid), "course")


def get_module_for_manager(user, module_uuid: UUID | str) -> Module:
    courses = Course.objects.managed_by(user)
    return _one(
        Module.objects.filter(uuid=module_uuid, course__in=courses).select_related("course"),
        "module",
    )


def get_case_for_user(user, case_uuid: UUID | str) -> Case:
    courses = Course.objects.visible_to(user)
    return _one(
        Case.objects.filter(uuid=case_uuid, module__course__in=courses).select_related(
            "module__course"
        ),
        "case",
    )


def get_case_for_manager(user, case_uuid: UUID | str) -> Case:
    courses = Course.objects.managed_by(user)
    return _one(
        Case.objects.filter(uuid=case_uuid, module__course__in=courses).select_related(
            "module__course"
        ),
        "case",
    )


def get_case_slide_for_user(user, case_slide_uuid: UUID | str) -> CaseSlide:
    courses = Course.objects.visible_to(user)
    return _one(
        CaseSlide.objects.filter(
            uuid=case_slide_uuid, case__module__course__in=courses
        ).select_related("slide", "case__module__course"),
        "case slide",
    )


def get_case_slide_for_manager(user, case_slide_uuid: UUID | str) -> CaseSlide:
    courses = Course.objects.managed_by(user)
    return _one(
        CaseSlide.objects.filter(
            uuid=case_slide_uuid, case__module__course__in=courses
        ).select_related("slide", "case__module__course"),
        "case slide",
    )


def get_annotation_for_manager(user, annotation_uuid: UUID | str) -> TeachingAnnotation:
    courses = Course.objects.managed_by(user)
    return _one(
        TeachingAnnotation.objects.filter(
            uuid=annotation_uuid, case_slide__case__module__course__in=courses
        ).select_related("case_slide__slide"),
        "annotation",
    )


def role_in(user, course: Course) -> str | None:
    """The person's role in the course (admins count as educators), or None."""
    if user.is_authenticated and user.is_portal_admin:
        return EnrolmentRole.EDUCATOR
    enrolment = Enrolment.objects.filter(user=user, course=course).only("role").first()
    return enrolment.role if enrolment else None


def can_manage(user, course: Course) -> bool:
    return role_in(user, course) == EnrolmentRole.EDUCATOR


def can_create_courses(user) -> bool:
    return user.is_authenticated and user.is_educator
