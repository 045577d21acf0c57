"""A trainee taking a quiz: its page, starting or resuming, the attempt, submitting, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import access
from ...models import Attempt, Quiz
from .. import attempts
from ..presenters import attempt_questions
from ..selectors import allowance_for, attempt_total, exam_lock, feedback_visible


@login_required
@require_GET
def quiz_page(request, quiz_uuid):
    try:
        quiz = access.get_quiz_for_trainee(request.user, quiz_uuid)
    except Http404:
        # Its educators have no attempts to show: a link to the quiz takes them to its editor.
        quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
        return redirect("courses:quiz-edit", quiz.uuid)
    now = timezone.now()
    current = attempts.in_progress(quiz, request.user, now)
    lock = exam_lock(request.user, now).quiz(quiz)
    history = []
    for attempt in Attempt.objects.filter(quiz=quiz, trainee=request.user).order_by("number"):
        visible = feedback_visible(quiz, attempt, None) and not attempt.is_open and lock is None
        total = attempt_total(attempt) if visible else None
        score, maximum = (total.score, total.maximum) if total else (None, None)
        history.append({"attempt": attempt, "score": score, "maximum": maximum, "visible": visible})
    used = len(history)
    allowance = allowance_for(quiz, request.user)
    return render(
        request,
        "courses/quiz.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "current": current,
            "history": history,
            "can_start": current is None
            and quiz.is_open(now)
            and used < allowance.attempts_allowed,
            "attempts_left": max(0, allowance.attempts_allowed - used),
            "allowance": allowance,
            "now": now,
            "exam_lock": lock,
        },
    )


@login_required
@require_POST
def quiz_start(request, quiz_uuid):
    quiz = access.get_quiz_for_trainee(request.user, quiz_uuid)
    try:
        attempt = attempts.start_attempt(quiz=quiz, trainee=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("courses:quiz", quiz.uuid)
    return redirect("courses:attempt", attempt.uuid)


@login_required
@require_GET
def attempt_page(request, attempt_uuid):
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    attempt = attempts.submit_if_overdue(attempt, timezone.now())
    if not attempt.is_open:
        return redirect("courses:attempt-result", attempt.uuid)
    quiz = attempt.quiz
    return render(
        request,
        "courses/attempt.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "questions": attempt_questions(attempt),
            "deadline": attempt.deadline,
            "now": timezone.now(),
            "answers_url": reverse("api-attempt-detail", args=[attempt.uuid]),
        },
    )


@login_required
@require_POST
def attempt_submit(request, attempt_uuid):
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    if attempts.submit_attempt(attempt=attempt, now=timezone.now()):
        messages.success(request, "Submitted. Your answers are saved.")
    return redirect("courses:attempt-result", attempt.uuid)


@login_required
@require_GET
def attempt_result(request, attempt_uuid):
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    attempt = attempts.submit_if_overdue(attempt, timezone.now())
    if attempt.is_open:
        return redirect("courses:attempt", attempt.uuid)
    quiz = attempt.quiz
    lock = exam_lock(request.user).quiz(quiz)
    visible = feedback_visible(quiz, attempt, None) and lock is None
    total = attempt_total(attempt) if visible else None
    score, maximum = (total.score, total.maximum) if total else (None, None)
    return render(
        request,
        "courses/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "questions": attempt_questions(attempt),
            "visible": visible,
            "exam_lock": lock,
            "score": score,
            "maximum": maximum,
            "waiting_for_release": quiz.feedback_policy == Quiz.Feedback.ON_RELEASE
            and not quiz.marks_released,
        },
    )
