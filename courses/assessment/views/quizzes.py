"""Educators writing quizzes: settings, examiners, questions with answer keys, release."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from slides.views import viewer_context

from ... import access
from ...models import CaseSlide, EnrolmentRole, Question, Quiz
from ...views.courses import _error_messages
from .. import authoring as quiz_authoring
from .. import services as assessment_services
from ..forms import ExaminersForm, QuestionForm, QuizForm

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
            "questions": quiz.questions.select_related("case_slide__case").order_by("position"),
            "question_types": Question.Type.choices,
            "attempt_count": quiz.attempts.count(),
            "in_progress_count": quiz.attempts.filter(state="in_progress").count(),
            "is_open": quiz.is_open(timezone.now()),
            "now": timezone.now(),
            "close_label": "Close exam now" if quiz.is_exam else "Close quiz now",
        },
    )


def _case_slides(course):
    return CaseSlide.objects.filter(
        case__module__course=course, slide__status="ready"
    ).select_related("case", "slide")


def _case_slide_viewers(course) -> list[tuple[CaseSlide, dict | None]]:
    """One viewer per usable case slide, for drawing a question's reference."""
    return [
        (cs, viewer_context(cs.slide, title=f"{cs.case.title} ({cs.stain})"))
        for cs in _case_slides(course)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    question_type = request.GET.get("type") or request.POST.get("type")
    if not question_type:
        messages.info(request, "Choose the type of question to add.")
        return redirect("courses:quiz-edit", quiz.uuid)
    if question_type not in Question.Type.values:
        raise Http404("Unknown question type.")
    form = QuestionForm(
        request.POST or None, question_type=question_type, case_slides=_case_slides(quiz.course)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quiz_authoring.add_question(
                quiz=quiz,
                type=question_type,
                prompt=data["prompt"],
                points=data["points"],
                case_slide=data.get("case_slide"),
                start_view=form.start_view(),
                options=data.get("parsed_options"),
                reference=form.reference(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Question added.")
            return redirect("courses:quiz-edit", quiz.uuid)
    return render(
        request,
        "courses/question_form.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "form": form,
            "question_type": question_type,
            "type_display": Question.Type(question_type).label,
            "case_slides": _case_slides(quiz.course),
            "case_slide_viewers": _case_slide_viewers(quiz.course),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_scoring(request, question_uuid):
    """Change a question's answer key or scoring parameters: submitted answers are re-scored."""
    question = access.get_question_for_manager(request.user, question_uuid)
    reference = question.reference
    initial = {
        "prompt": question.prompt,
        "points": question.points,
        "case_slide": question.case_slide.uuid if question.case_slide else None,
        "value": reference.value,
        "tolerance": reference.tolerance,
        "full_at": reference.full_at,
        "zero_at": reference.zero_at,
        "model_answer": reference.model_answer,
    }
    initial["reference_geometry"] = json.dumps(reference.geometry) if reference.geometry else ""
    form = QuestionForm(
        request.POST or None,
        initial=initial,
        question_type=question.type,
        case_slides=_case_slides(question.quiz.course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = form.reference()
            quiz_authoring.change_scoring(question=question, **changes)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Scoring changed; submitted answers were re-scored.")
            return redirect("courses:quiz-edit", question.quiz.uuid)
    return render(
        request,
        "courses/question_form.html",
        {
            "quiz": question.quiz,
            "course": question.quiz.course,
            "form": form,
            "question": question,
            "question_type": question.type,
            "type_display": question.get_type_display(),
            "case_slides": _case_slides(question.quiz.course),
            "case_slide_viewers": _case_slide_viewers(question.quiz.course),
            "editing": True,
        },
    )


@login_required
@require_POST
def quiz_release(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    if request.POST.get("release") == "1":
        assessment_services.release_marks(quiz=quiz, now=timezone.now())
        messages.success(request, "Marks released: trainees can see them now.")
    else:
        assessment_services.withdraw_release(quiz=quiz)
        messages.success(request, "Release withdrawn.")
    return redirect("courses:quiz-edit", quiz.uuid)


@login_required
@require_POST
def quiz_close(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    submitted = assessment_services.close_quiz(quiz=quiz, now=timezone.now())
    note = f" Attempts in progress submitted: {submitted}." if submitted else ""
    messages.success(request, f"“{quiz.title}” is closed.{note}")
    return redirect("courses:quiz-edit", quiz.uuid)
