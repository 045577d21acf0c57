"""Educators writing quizzes: settings, questions (add, edit, remove or archive, restore),
options and answer keys, the course's question bank (a question placed in several quizzes),
duplicating a quiz, exam aliases."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from slides import geometry as geo
from slides.models import SlideAlias

from ..models import (
    Attempt,
    CaseSlide,
    Choice,
    Course,
    EnrolmentRole,
    Mark,
    Question,
    Quiz,
    QuizQuestion,
    ReferenceAnswer,
)
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
    switching = settings.get("double_marking", quiz.double_marking) != quiz.double_marking
    examined = Mark.objects.filter(answer__attempt__quiz=quiz, stage=Mark.Stage.EXAMINER)
    if switching and examined.exists():
        raise ValidationError(
            "Examiners have marked answers already, so double marking can no longer be "
            "switched on or off for this quiz."
        )
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


def validated_reference(question: Question, reference: dict) -> dict:
    """The answer-key fields as authoring stores them: a spatial question's reference geometry
    checked against its slide (and a measure's length derived from it when not given)."""
    reference = dict(reference)
    if question.is_spatial:
        geometry = reference.get("geometry")
        reference.update(
            _spatial_key(question.type, geometry, reference, question.case_slide.slide)
        )
    return reference


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
    agreement_tolerance: float = 0.2,
) -> Question:
    """A question with its options (`[{"text", "correct", "feedback"}]`) and answer key
    (`{"geometry", "value", "tolerance", "full_at", "zero_at", "model_answer"}`)."""
    question = Question(
        course=quiz.course,
        type=type,
        prompt=prompt.strip(),
        points=points,
        case_slide=case_slide,
        agreement_tolerance=agreement_tolerance,
    )
    if start_view:
        question.start_center_x, question.start_center_y, question.start_view_width = start_view
    question.full_clean()
    if question.is_spatial and case_slide.slide.status != "ready":
        raise ValidationError("Questions can only use slides that passed the identifier review.")
    question.save()
    if question.is_choice:
        _set_options(question, options or [])
    answer_key = ReferenceAnswer(
        question=question, **validated_reference(question, reference or {})
    )
    answer_key.full_clean()
    answer_key.save()
    place_question(quiz=quiz, question=question)
    return question


def _end_of(quiz: Quiz) -> int:
    return (quiz.placements.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def place_question(*, quiz: Quiz, question: Question) -> QuizQuestion:
    """Put a question of the course's bank at the end of a quiz, or bring it back there if it
    was taken out (archived) of that quiz."""
    if question.course_id != quiz.course_id:
        raise ValidationError("Only questions of this course's bank can be placed in its quizzes.")
    placement, created = QuizQuestion.objects.select_for_update().get_or_create(
        quiz=quiz, question=question, defaults={"position": _end_of(quiz)}
    )
    if not created:
        if placement.archived_at is None:
            raise ValidationError("The question is in this quiz already.")
        placement.archived_at = None
        placement.position = _end_of(quiz)
        placement.save(update_fields=["archived_at", "position"])
    if quiz.is_exam:
        ensure_aliases(quiz)
    return placement


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


def in_attempts(question: Question, quiz: Quiz | None = None) -> bool:
    """Has any attempt (of `quiz`, or of any quiz) been given this question? Then answers exist
    or will (unanswered ones score zero on submission), so it must stay for them. Read in
    Python: SQLite, the embedded default, cannot query inside JSON lists."""
    attempts = Attempt.objects.filter(quiz__course_id=question.course_id)
    if quiz is not None:
        attempts = attempts.filter(quiz=quiz)
    orders = attempts.values_list("question_order", flat=True)
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
    agreement_tolerance: float = KEEP,
) -> Question:
    """Change any part of a question; `reference` holds the answer-key fields to change (as in
    `add_question`). If the change alters any score (marks, options, answer key), every answer
    already scored (submitted, or checked during an attempt) is scored again, in every quiz the
    question is in: a new automatic mark is appended and the old one stays, so the history
    shows both. Examiners' marks stay and still count. A spatial question's slide cannot change
    once attempts have it: trainees drew in that slide's pixels."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("reference", "case_slide__slide")
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
    if agreement_tolerance is not KEEP:
        question.agreement_tolerance = agreement_tolerance
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
    for quiz in question.quizzes.filter(kind=Quiz.Kind.EXAM):
        ensure_aliases(quiz)
    return question


@transaction.atomic
def remove_question(*, quiz: Quiz, question: Question, now) -> bool:
    """Take a question out of a quiz: archive its place if attempts of the quiz were given it
    (they keep it and its marks; new attempts and the question list leave it out), else remove
    the place. Either way the question stays in the course's bank (`delete_from_bank`).
    True if archived."""
    placement = QuizQuestion.objects.select_for_update().get(quiz=quiz, question=question)
    if in_attempts(question, quiz):
        placement.archived_at = now
        placement.save(update_fields=["archived_at"])
        return True
    placement.delete()
    return False


@transaction.atomic
def restore_question(*, quiz: Quiz, question: Question) -> QuizQuestion:
    """Bring a question taken out of a quiz back for new attempts, at the end of the list."""
    return place_question(quiz=quiz, question=question)


def also_in(quiz: Quiz) -> dict[int, list[str]]:
    """question id → the titles of the other quizzes that have it, for the quiz's questions."""
    rows = (
        QuizQuestion.objects.filter(question__placements__quiz=quiz)
        .exclude(quiz=quiz)
        .order_by("quiz__title")
        .values_list("question_id", "quiz__title")
    )
    titles: dict[int, list[str]] = {}
    for question_id, title in rows:
        titles.setdefault(question_id, []).append(title)
    return titles


def bank_choices(quiz: Quiz):
    """The course's bank questions this quiz does not have (archived ones return by Restore)."""
    return (
        Question.objects.filter(course_id=quiz.course_id)
        .exclude(placements__quiz=quiz)
        .select_related("case_slide__case")
        .order_by("-created_at", "-id")
    )


@transaction.atomic
def delete_from_bank(*, question: Question) -> None:
    """Delete a question that is in no quiz; refused while a quiz has it (take it out there
    first) or when attempts were given it."""
    names = sorted(question.quizzes.values_list("title", flat=True))
    if names:
        listed = ", ".join(f"“{name}”" for name in names)
        raise ValidationError(f"The question is in {listed}; take it out of them first.")
    if in_attempts(question):
        raise ValidationError("Attempts were given this question; it stays for their marks.")
    question.delete()


# What a copy does not take from the quiz: who it is, and what happened to it.
NOT_COPIED = {"id", "uuid", "course", "title", "published", "marks_released_at", "closed_at",
              "created_at", "updated_at"}  # fmt: skip


@transaction.atomic
def duplicate_quiz(*, quiz: Quiz) -> Quiz:
    """A hidden copy of a quiz: its settings, examiners and current questions with their options
    and answer keys; not its attempts, marks, release or archived questions. The questions are
    copied (new questions in the bank), so the copy can change without touching the original;
    to share a question between quizzes, place it from the bank instead."""
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
    questions = (
        Question.objects.in_quiz(quiz).select_related("reference").prefetch_related("choices")
    )
    for question in questions:
        choices = list(question.choices.all())
        reference = question.reference
        question.pk = question.id = None
        question.uuid = uuid.uuid4()
        question._state.adding = True
        question.save()
        QuizQuestion.objects.create(quiz=copy, question=question, position=question.position)
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
