"""Educators writing quizzes: settings, questions, options and answer keys, exam aliases."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from slides import geometry as geo
from slides.models import SlideAlias

from ..models import Choice, Course, EnrolmentRole, Question, Quiz, ReferenceAnswer
from . import marking

OPTION_KEYS = "abcdefghij"


@transaction.atomic
def create_quiz(*, course: Course, title: str, **settings) -> Quiz:
    """A new quiz, marked by every examiner of the course unless the educator changes that in
    the quiz's settings: an examiner enrolled to mark should not find nothing to mark."""
    quiz = Quiz(course=course, title=title.strip(), **settings)
    quiz.full_clean()
    quiz.save()
    quiz.examiners.set(
        course.enrolments.filter(role=EnrolmentRole.EXAMINER).values_list("user_id", flat=True)
    )
    return quiz


def update_quiz(*, quiz: Quiz, examiners=None, **settings) -> Quiz:
    for field, value in settings.items():
        setattr(quiz, field, value)
    quiz.full_clean()
    quiz.save()
    if examiners is not None:
        quiz.examiners.set(examiners)
    if quiz.is_exam:
        ensure_aliases(quiz)
    return quiz


def ensure_aliases(quiz: Quiz) -> None:
    """Every slide an exam shows gets its opaque alias."""
    slide_ids = quiz.questions.filter(case_slide__isnull=False).values_list(
        "case_slide__slide_id", flat=True
    )
    for slide_id in set(slide_ids):
        SlideAlias.objects.get_or_create(scope=quiz.alias_scope, slide_id=slide_id)


def _validated_reference_geometry(question_type: str, geometry, slide) -> dict | None:
    if geometry is None:
        return None
    size = {"width": slide.width, "height": slide.height}
    try:
        if question_type == Question.Type.POINT:
            targets = geometry.get("geometries") if isinstance(geometry, dict) else None
            if not targets:
                raise ValidationError("Draw at least one target region or point.")
            return {
                "type": "GeometryCollection",
                "geometries": [geo.validate_geometry(t, **size) for t in targets],
            }
        return geo.validate_geometry(geometry, **size)
    except geo.GeometryError as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def add_question(
    *,
    quiz: Quiz,
    type: str,  # noqa: A002 - the model's field name
    prompt: str,
    points: float = 1,
    case_slide=None,
    start_view: tuple[float, float, float] | None = None,
    options: list[dict] | None = None,
    reference: dict | None = None,
) -> Question:
    """A question with its options (`[{"text", "correct", "feedback"}]`) and answer key
    (`{"geometry", "value", "tolerance", "full_at", "zero_at", "model_answer"}`)."""
    position = (quiz.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    question = Question(
        quiz=quiz, type=type, prompt=prompt.strip(), points=points, case_slide=case_slide
    )
    question.position = position
    if start_view:
        question.start_center_x, question.start_center_y, question.start_view_width = start_view
    question.full_clean()
    if question.is_spatial and case_slide.slide.status != "ready":
        raise ValidationError("Questions can only use slides that passed the identifier review.")
    question.save()
    if question.is_choice:
        _set_options(question, options or [])
    reference = dict(reference or {})
    if question.is_spatial:
        reference["geometry"] = _validated_reference_geometry(
            type, reference.get("geometry"), case_slide.slide
        )
        if type == Question.Type.MEASURE and reference.get("value") is None:
            slide = case_slide.slide
            reference["value"] = geo.length_um(reference["geometry"], slide.mpp_x, slide.mpp_y)
    answer_key = ReferenceAnswer(question=question, **reference)
    answer_key.full_clean()
    answer_key.save()
    if quiz.is_exam:
        ensure_aliases(quiz)
    return question


def _set_options(question: Question, options: list[dict]) -> None:
    if not 2 <= len(options) <= len(OPTION_KEYS):
        raise ValidationError(f"Give between 2 and {len(OPTION_KEYS)} options.")
    correct = sum(1 for option in options if option.get("correct"))
    if question.type == Question.Type.SINGLE and correct != 1:
        raise ValidationError("A single-choice question has exactly one correct option.")
    if question.type == Question.Type.MULTIPLE and correct < 1:
        raise ValidationError("Mark at least one option correct.")
    question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(
            question=question,
            key=OPTION_KEYS[index],
            text=option["text"].strip(),
            feedback=option.get("feedback", "").strip(),
            is_correct=bool(option.get("correct")),
            position=index,
        )
        for index, option in enumerate(options)
    )


def change_scoring(*, question: Question, **changes) -> ReferenceAnswer:
    """Change the answer key or scoring parameters; submitted answers are re-scored."""
    if "geometry" in changes and question.is_spatial:
        changes["geometry"] = _validated_reference_geometry(
            question.type, changes["geometry"], question.case_slide.slide
        )
    return marking.update_reference(reference=question.reference, **changes)
