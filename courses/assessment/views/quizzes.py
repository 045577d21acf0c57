"""Educators writing quizzes: settings, examiners, release, closing, duplicating (questions:
questions.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ... import access, confirmation
from ...models import EnrolmentRole, Question, Quiz
from ...views.courses import _error_messages
from .. import authoring as quiz_authoring
from .. import services as assessment_services
from ..forms import ExaminersForm, QuizForm

QUIZ_FIELDS = [
    "title",
    "instructions",
    "kind",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "attempts_allowed",
    "shuffle_questions",
    "feedback_policy",
    "blind_marking",
    "double_marking",
    "mark_combination",
    "published",
]


def _course_examiners(course):
    return get_user_model().objects.filter(
        enrolments__course=course, enrolments__role=EnrolmentRole.EXAMINER
    )


@login_required
@require_http_methods(["GET", "POST"])
def quiz_create(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    form = QuizForm(
        request.POST or None, initial={"feedback_policy": Quiz.Feedback.AFTER_SUBMISSION}
    )
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quiz_authoring.create_quiz(course=course, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, "Quiz created. Add questions.")
            return redirect("courses:quiz-edit", quiz.uuid)
    return render(request, "courses/quiz_form.html", {"course": course, "form": form})


def _with_sharing(quiz: Quiz) -> list[Question]:
    """The quiz's questions, each with `also_in`: the other quizzes' titles that share it."""
    questions = list(Question.objects.in_quiz(quiz).select_related("case_slide__case"))
    sharing = quiz_authoring.also_in(quiz)
    for question in questions:
        question.also_in = sharing.get(question.id, [])
    return questions


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    initial = {field: getattr(quiz, field) for field in QUIZ_FIELDS}
    form = QuizForm(request.POST or None, initial=initial)
    examiners_form = ExaminersForm(
        request.POST or None,
        candidates=_course_examiners(quiz.course),
        initial={"examiners": quiz.examiners.all()},
    )
    if request.method == "POST" and form.is_valid() and examiners_form.is_valid():
        try:
            quiz_authoring.update_quiz(
                quiz=quiz, examiners=examiners_form.cleaned_data["examiners"], **form.cleaned_data
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, "Quiz saved.")
            return redirect("courses:quiz-edit", quiz.uuid)
    return render(
        request,
        "courses/quiz_edit.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "form": form,
            "examiners_form": examiners_form,
            "questions": _with_sharing(quiz),
            "archived_questions": Question.objects.in_quiz(quiz, archived=True).select_related(
                "case_slide__case"
            ),
            "bank": quiz_authoring.bank_choices(quiz),
            "question_types": Question.Type.choices,
            "attempt_count": quiz.attempts.count(),
            "in_progress_count": quiz.attempts.filter(state="in_progress").count(),
            "is_open": quiz.is_open(timezone.now()),
            "now": timezone.now(),
            "close_label": "Close exam now" if quiz.is_exam else "Close quiz now",
        },
    )


@login_required
@require_POST
def quiz_release(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    releasing = request.POST.get("release") == "1"
    if releasing and not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            question=f"Release the marks of “{quiz.title}” to every trainee now?",
            confirm="Yes, release marks",
            back_url=reverse("courses:quiz-edit", args=[quiz.uuid]),
        )
    if releasing:
        try:
            assessment_services.release_marks(quiz=quiz, now=timezone.now())
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, "Marks released: trainees can see them now.")
    else:
        assessment_services.withdraw_release(quiz=quiz)
        messages.success(request, "Release withdrawn.")
    return redirect("courses:quiz-edit", quiz.uuid)


@login_required
@require_POST
def quiz_close(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    back = reverse("courses:quiz-edit", args=[quiz.uuid])
    if asking := confirmation.unless_confirmed(
        request,
        f"Close “{quiz.title}” now? Attempts in progress are submitted as they are.",
        "Yes, close it now",
        back,
    ):
        return asking
    submitted = assessment_services.close_quiz(quiz=quiz, now=timezone.now())
    note = f" Attempts in progress submitted: {submitted}." if submitted else ""
    messages.success(request, f"“{quiz.title}” is closed.{note}")
    return redirect("courses:quiz-edit", quiz.uuid)


@login_required
@require_POST
def quiz_duplicate(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    copy = quiz_authoring.duplicate_quiz(quiz=quiz)
    messages.success(request, f"“{copy.title}” made, hidden from trainees until you publish it.")
    return redirect("courses:quiz-edit", copy.uuid)
