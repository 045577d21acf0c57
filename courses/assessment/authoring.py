"""Educators writing quizzes: settings, questions (add, edit, remove or archive, restore),
options and answer keys, duplicating a quiz, exam aliases."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from slides import geometry as geo
from slides.models import SlideAlias

from ..models import CaseSlide, Choice, Course, EnrolmentRole, Question, Quiz, ReferenceAnswer
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


def _spatial_key(question_type: str, geometry, reference: dict, slide) -> dict:
    """A spatial question's validated reference geometry, and a measure's length from its line
    unless `reference` gives the value."""
    geometry = _validated_reference_geometry(question_type, geometry, slide)
    if geometry is None:
        raise ValidationError("Draw the reference on the slide.")
    key = {"geometry": geometry}
    if question_type == Question.Type.MEASURE and reference.get("value") is None:
        try:
            key["value"] = geo.length_um(geometry, slide.mpp_x, slide.mpp_y)
        except geo.GeometryError as error:
            raise ValidationError(str(error)) from error
    return key


@transaction.atomic
def add_question(
    *,
    quiz: Quiz,
    type: str,  # the model's field name
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
        reference.update(_spatial_key(type, reference.get("geometry"), reference, case_slide.slide))
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


def _scoring_state(question: Question) -> tuple:
    """Everything automatic scoring reads, to tell whether an edit changes any score."""
    reference = question.reference
    return (
        question.points,
        question.case_slide_id,
        tuple(question.choices.order_by("position").values_list("key", "is_correct")),
        repr(reference.geometry),
        reference.value,
        reference.tolerance,
        reference.full_at,
        reference.zero_at,
    )


def in_attempts(question: Question) -> bool:
    """Has any attempt been given this question? Then answers exist or will (unanswered ones
    score zero on submission), so it must stay for them. Read in Python: SQLite, the embedded
    default, cannot query inside JSON lists."""
    orders = question.quiz.attempts.values_list("question_order", flat=True)
    return any(question.id in order for order in orders)


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()  # "leave this part of the question as it is"


@transaction.atomic
def edit_question(
    *,
    question: Question,
    prompt: str = KEEP,
    points: float = KEEP,
    case_slide: CaseSlide | None = KEEP,
    start_view: tuple[float, float, float] | None = KEEP,
    options: list[dict] = KEEP,
    reference: dict | None = None,
) -> Question:
    """Change any part of a question; `reference` holds the answer-key fields to change (as in
    `add_question`). If the change alters any score (marks, options, answer key), every answer
    already scored (submitted, or checked during an attempt) is scored again: a new automatic
    mark is appended and the old one stays, so the history shows both. Examiners' marks stay and
    still count. A spatial question's slide cannot change once attempts have it: trainees drew
    in that slide's pixels."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("quiz", "reference", "case_slide__slide")
        .get(pk=question.pk)
    )
    before = _scoring_state(question)
    if case_slide is not KEEP and case_slide != question.case_slide:
        if question.is_spatial and in_attempts(question):
            raise ValidationError(
                "Trainees have answered on this slide, so the question must stay on it. "
                "Add a new question on the other slide instead."
            )
        question.case_slide = case_slide
        if question.is_spatial and case_slide is not None and case_slide.slide.status != "ready":
            raise ValidationError(
                "Questions can only use slides that passed the identifier review."
            )
    if prompt is not KEEP:
        question.prompt = prompt.strip()
    if points is not KEEP:
        question.points = points
    if start_view is not KEEP:
        question.start_center_x, question.start_center_y, question.start_view_width = (
            start_view or (None, None, None)
        )
    question.full_clean()
    question.save()
    if options is not KEEP and question.is_choice:
        _set_options(question, options)
    answer_key = question.reference
    changes = dict(reference or {})
    if question.is_spatial and ("geometry" in changes or case_slide is not KEEP):
        geometry = changes.get("geometry", answer_key.geometry)
        changes.update(_spatial_key(question.type, geometry, changes, question.case_slide.slide))
    for field, value in changes.items():
        setattr(answer_key, field, value)
    answer_key.full_clean()
    answer_key.save()
    if _scoring_state(question) != before:
        ReferenceAnswer.objects.filter(pk=answer_key.pk).update(version=F("version") + 1)
        marking.rescore(question)
    if question.quiz.is_exam:
        ensure_aliases(question.quiz)
    return question


@transaction.atomic
def remove_question(*, question: Question, now) -> bool:
    """Delete a question no attempt has been given; archive one that attempts have (they keep
    it and its marks; new attempts and the question list leave it out). True if archived."""
    if in_attempts(question):
        question.archived_at = now
        question.save(update_fields=["archived_at", "updated_at"])
        return True
    question.delete()
    return False


@transaction.atomic
def restore_question(*, question: Question) -> Question:
    """Bring an archived question back for new attempts, at the end of the list."""
    question.archived_at = None
    question.position = (question.quiz.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    question.save(update_fields=["archived_at", "position", "updated_at"])
    return question


# What a copy does not take from the quiz: who it is, and what happened to it.
NOT_COPIED = {"id", "uuid", "course", "title", "published", "marks_released_at", "closed_at",
              "created_at", "updated_at"}  # fmt: skip


@transaction.atomic
def duplicate_quiz(*, quiz: Quiz) -> Quiz:
    """A hidden copy of a quiz: its settings, examiners and current questions with their options
    and answer keys; not its attempts, marks, release or archived questions."""
    copy = Quiz(
        course=quiz.course,
        title=f"Copy of {quiz.title}"[: Quiz._meta.get_field("title").max_length],
        published=False,
        **{
            field.name: getattr(quiz, field.name)
            for field in Quiz._meta.concrete_fields
            if field.name not in NOT_COPIED
        },
    )
    copy.full_clean()
    copy.save()
    copy.examiners.set(quiz.examiners.all())
    questions = quiz.questions.current().select_related("reference").prefetch_related("choices")
    for question in questions.order_by("position", "id"):
        choices = list(question.choices.all())
        reference = question.reference
        question.pk = question.id = None
        question.uuid = uuid.uuid4()
        question.quiz = copy
        question._state.adding = True
        question.save()
        Choice.objects.bulk_create(
            Choice(
                question=question,
                key=c.key,
                text=c.text,
                feedback=c.feedback,
                is_correct=c.is_correct,
                position=c.position,
            )
            for c in choices
        )
        reference.pk = reference.id = None
        reference.question = question
        reference.version = 1
        reference._state.adding = True
        reference.save()
    if copy.is_exam:
        ensure_aliases(copy)  # the copy's own aliases: an alias never links two exams
    return copy
