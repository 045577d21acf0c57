"""A course's question bank: every question its quizzes use or used, where each one is, and
placing bank questions in a quiz (shared, not copied)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ... import access, confirmation
from ...models import Question, QuizQuestion
from .. import authoring as quiz_authoring


@login_required
@require_GET
def question_bank(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    questions = (
        Question.objects.filter(course=course)
        .select_related("case_slide__case")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=QuizQuestion.objects.select_related("quiz").order_by("quiz__title"),
            )
        )
        .annotate(answer_count=Count("answers"))
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "courses/question_bank.html",
        {"course": course, "questions": questions, "quizzes": course.quizzes.order_by("title")},
    )


@login_required
@require_POST
def question_place(request, quiz_uuid):
    """Put the chosen bank questions (`question`, repeated) at the end of the quiz."""
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    chosen = Question.objects.filter(course=quiz.course, uuid__in=_uuids(request))
    if not chosen:
        messages.error(request, "Choose at least one question of the bank to add.")
        return redirect("courses:quiz-edit", quiz.uuid)
    try:
        with transaction.atomic():
            for question in chosen.order_by("created_at", "id"):
                quiz_authoring.place_question(quiz=quiz, question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(chosen)
        messages.success(
            request, f"{count} question{'s' if count != 1 else ''} added from the bank."
        )
    return redirect("courses:quiz-edit", quiz.uuid)


def _uuids(request) -> list[str]:
    """The valid UUIDs among the submitted `question` values (others are ignored, not a 500)."""
    values = []
    for value in request.POST.getlist("question"):
        try:
            Question._meta.get_field("uuid").to_python(value)
        except ValidationError:
            continue
        values.append(value)
    return values


@login_required
@require_POST
def question_bank_delete(request, question_uuid):
    """Delete a question from the bank: only one that no quiz has and no attempt was given."""
    question = access.get_question_for_manager(request.user, question_uuid)
    back = reverse("courses:question-bank", args=[question.course.uuid])
    if asking := confirmation.unless_confirmed(
        request,
        "Delete this question from the bank? This cannot be undone.",
        "Yes, delete it",
        back,
    ):
        return asking
    try:
        quiz_authoring.delete_from_bank(question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Question deleted from the bank.")
    return redirect("courses:question-bank", question.course.uuid)
