"""Who may see and change which course, case and case slide.

Every lookup answers 404 both when the object is missing and when it is forbidden, so ids leak
nothing. "See" follows `Course.objects.visible_to`; "manage" follows `managed_by` (the course's
educators and admins).
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q
from django.http import Http404

from slides.models import Slide, SlideAlias

from .models import (
    Answer,
    Attempt,
    Case,
    CaseSlide,
    Course,
    Enrolment,
    EnrolmentRole,
    Module,
    Question,
    Quiz,
    TeachingAnnotation,
)


def _one(queryset, what: str):
    obj = queryset.first()
    if obj is None:
        raise Http404(f"No such {what}.")
    return obj


def get_course_for_user(user, course_uuid: UUID | str) -> Course:
    return _one(Course.objects.visible_to(user).filter(uuid=course_uuid), "course")


def get_course_for_manager(user, course_uuid: UUID | str) -> Course:
    return _one(Course.objects.managed_by(user).filter(uuid=course_uuid), "course")


def get_course_for_coverage(user, course_uuid: UUID | str) -> Course:
    """A course whose trainees' curriculum coverage this person may see: its educators and its
    educational supervisors (who see progress, never answers)."""
    if not user.is_authenticated:
        raise Http404("No such course.")
    supervised = Course.objects.filter(
        enrolments__user=user, enrolments__role=EnrolmentRole.SUPERVISOR
    )
    return _one(
        (Course.objects.managed_by(user) | supervised).filter(uuid=course_uuid).distinct(),
        "course",
    )


def get_module_for_manager(user, module_uuid: UUID | str) -> Module:
    courses = Course.objects.managed_by(user)
    return _one(
        Module.objects.filter(uuid=module_uuid, course__in=courses).select_related("course"),
        "module",
    )


def _case_among(courses, case_uuid) -> Case:
    return _one(
        Case.objects.filter(uuid=case_uuid, module__course__in=courses).select_related(
            "module__course"
        ),
        "case",
    )


def get_case_for_user(user, case_uuid: UUID | str) -> Case:
    return _case_among(Course.objects.visible_to(user), case_uuid)


def get_case_for_manager(user, case_uuid: UUID | str) -> Case:
    return _case_among(Course.objects.managed_by(user), case_uuid)


def _case_slide_among(courses, case_slide_uuid) -> CaseSlide:
    return _one(
        CaseSlide.objects.filter(
            uuid=case_slide_uuid, case__module__course__in=courses
        ).select_related("slide", "case__module__course"),
        "case slide",
    )


def get_case_slide_for_user(user, case_slide_uuid: UUID | str) -> CaseSlide:
    return _case_slide_among(Course.objects.visible_to(user), case_slide_uuid)


def get_case_slide_for_manager(user, case_slide_uuid: UUID | str) -> CaseSlide:
    return _case_slide_among(Course.objects.managed_by(user), case_slide_uuid)


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


def can_create_courses(user) -> bool:
    return user.is_authenticated and user.is_educator


# --- Assessment ------------------------------------------------------------------------------


def get_quiz_for_trainee(user, quiz_uuid: UUID | str) -> Quiz:
    """A published quiz of a course the person takes as a trainee."""
    courses = Course.objects.visible_to(user).filter(
        enrolments__user=user, enrolments__role=EnrolmentRole.TRAINEE
    )
    return _one(
        Quiz.objects.filter(uuid=quiz_uuid, course__in=courses, published=True).select_related(
            "course"
        ),
        "quiz",
    )


def get_quiz_for_manager(user, quiz_uuid: UUID | str) -> Quiz:
    courses = Course.objects.managed_by(user)
    return _one(
        Quiz.objects.filter(uuid=quiz_uuid, course__in=courses).select_related("course"), "quiz"
    )


def markable_quizzes(user):
    """Quizzes this person marks: as one of its examiners, or as an educator of its course."""
    if not user.is_authenticated:
        return Quiz.objects.none()
    managed = Course.objects.managed_by(user)
    return Quiz.objects.filter(Q(examiners=user) | Q(course__in=managed)).distinct()


def get_quiz_for_marker(user, quiz_uuid: UUID | str) -> Quiz:
    return _one(markable_quizzes(user).filter(uuid=quiz_uuid).select_related("course"), "quiz")


def get_answer_for_marker(user, answer_id: int) -> Answer:
    return _one(
        Answer.objects.filter(pk=answer_id, attempt__quiz__in=markable_quizzes(user))
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .select_related("attempt__quiz", "attempt__trainee", "question__case_slide__slide"),
        "answer",
    )


def get_attempt_for_trainee(user, attempt_uuid: UUID | str) -> Attempt:
    return _one(
        Attempt.objects.filter(uuid=attempt_uuid, trainee=user).select_related("quiz__course"),
        "attempt",
    )


def get_question_for_manager(user, question_uuid: UUID | str) -> Question:
    courses = Course.objects.managed_by(user)
    return _one(
        Question.objects.filter(uuid=question_uuid, course__in=courses).select_related(
            "course", "case_slide__slide"
        ),
        "question",
    )


# --- Tiles -----------------------------------------------------------------------------------


def slide_for_tiles(user, public_id: UUID | str) -> Slide | None:
    """The slide shown as `public_id` (a slide's uuid, or an exam's alias of it) if this person
    may view its tiles right now, else None: the one rule for renewing tile tokens.

    Under its own uuid: library educators (`Slide.objects.visible_to`), members of a course
    visible to them with a case showing it once it passed review, and the markers of a quiz
    asking about it. Under an exam's alias: the exam's trainees who have an attempt and are
    still enrolled as trainees, its examiners and its course's educators."""
    if not user.is_authenticated:
        return None
    shown = CaseSlide.objects.filter(case__module__course__in=Course.objects.visible_to(user))
    marked = Question.objects.filter(quizzes__in=markable_quizzes(user))
    slide = (
        Slide.objects.visible_to(user).filter(uuid=public_id).first()
        or Slide.objects.filter(
            Q(pk__in=shown.values("slide"), status=Slide.Status.READY)
            | Q(pk__in=marked.values("case_slide__slide")),
            uuid=public_id,
        ).first()
    )
    if slide is None:
        alias = SlideAlias.objects.select_related("slide").filter(alias=public_id).first()
        if alias is None:
            return None
        try:  # the scope is `Quiz.alias_scope`: "quiz:<uuid>"
            quiz_uuid = UUID(alias.scope.partition(":")[2])
        except ValueError:
            return None
        taking = Quiz.objects.filter(
            course__in=Course.objects.visible_to(user).filter(
                enrolments__user=user, enrolments__role=EnrolmentRole.TRAINEE
            ),
            attempts__trainee=user,
        )
        quiz = Quiz.objects.filter(
            Q(pk__in=markable_quizzes(user).values("pk")) | Q(pk__in=taking.values("pk")),
            uuid=quiz_uuid,
            questions__case_slide__slide=alias.slide,
        ).first()
        if quiz is None or quiz.alias_scope != alias.scope:
            return None
        slide = alias.slide
    return slide if slide.is_viewable else None
