"""Educators writing a quiz's questions: add, place from the course's bank, edit (re-scoring
answers), take out (archiving once answered), restore, and reorder."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from slides.viewer import viewer_context

from ... import access, confirmation, curricula
from ... import services as course_services
from ...forms import MoveForm, OrderForm
from ...forms_curriculum import OutcomesForm
from ...models import CaseSlide, Question, Quiz, QuizQuestion
from ...views.authoring import _order_response
from .. import authoring as quiz_authoring
from ..forms import QuestionForm, format_options


def _case_slides(course, keep_id: int | None = None) -> list[CaseSlide]:
    """The course's ready case slides, each labelled so two slides of one case differ:
    "Case 1 · slide 2 · CD20" (numbered among all the case's slides, as the case page shows).
    Retired slides are left out, except `keep_id`, the one the question already shows."""
    case_slides = CaseSlide.objects.filter(case__module__course=course).select_related(
        "case__module", "slide"
    )
    ordered = sorted(
        case_slides,
        key=lambda cs: (cs.case.module.position, cs.case.position, cs.case_id, cs.position, cs.id),
    )
    numbers: dict[int, int] = {}
    ready = []
    for cs in ordered:
        numbers[cs.case_id] = numbers.get(cs.case_id, 0) + 1
        cs.picker_label = f"{cs.case.title} · slide {numbers[cs.case_id]} · {cs.stain}"
        if cs.slide.status == "ready" and (not cs.slide.is_retired or cs.id == keep_id):
            ready.append(cs)
    return ready


def _form_context(quiz, form, question_type: str, **extra) -> dict:
    course = extra.pop("course", None) or quiz.course
    question = extra.get("question")
    case_slides = _case_slides(course, keep_id=question.case_slide_id if question else None)
    return {
        "quiz": quiz,
        "course": course,
        "form": form,
        "question_type": question_type,
        "type_display": Question.Type(question_type).label,
        "case_slides": case_slides,
        # One viewer per usable case slide, for drawing a question's reference.
        "case_slide_viewers": [
            (cs, viewer_context(cs.slide, title=cs.picker_label)) for cs in case_slides
        ],
        **extra,
    }


def _case_slide_queryset(course, keep_id: int | None = None):
    """What the picker accepts: ready, not retired slides, and the question's own slide."""
    offered = Q(slide__retired_at__isnull=True)
    if keep_id is not None:
        offered |= Q(pk=keep_id)
    return CaseSlide.objects.filter(offered, case__module__course=course, slide__status="ready")


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
        request.POST or None,
        question_type=question_type,
        case_slides=_case_slide_queryset(quiz.course),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quiz_authoring.add_question(
                quiz=quiz,
                type=question_type,
                prompt=data["prompt"],
                points=data["points"],
                agreement_tolerance=form.agreement_tolerance(),
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
    return render(request, "courses/question_form.html", _form_context(quiz, form, question_type))


def _initial(question: Question) -> dict:
    reference = question.reference
    return {
        "prompt": question.prompt,
        "points": question.points,
        "agreement_percent": round(question.agreement_tolerance * 100, 2),
        "case_slide": question.case_slide.uuid if question.case_slide else None,
        "options": format_options(question.choices.all()),
        "reference_geometry": json.dumps(reference.geometry) if reference.geometry else "",
        "value": reference.value,
        "tolerance": reference.tolerance,
        "full_at": reference.full_at,
        "zero_at": reference.zero_at,
        "model_answer": reference.model_answer,
        "start_center_x": question.start_center_x,
        "start_center_y": question.start_center_y,
        "start_view_width": question.start_view_width,
    }


def _came_from(request, question: Question) -> Quiz | None:
    """The quiz the educator opened the question from (`?quiz=`), if the question is in it."""
    try:
        return question.quizzes.filter(uuid=request.GET.get("quiz", "")).first()
    except ValidationError:  # not a UUID
        return None


def _back(quiz: Quiz | None, question: Question):
    if quiz is not None:
        return redirect("courses:quiz-edit", quiz.uuid)
    return redirect("courses:question-bank", question.course.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, question_uuid):
    """Edit any part of a question, in every quiz that has it; answers already scored are
    re-scored (the page warns, and names the quizzes)."""
    question = access.get_question_for_manager(request.user, question_uuid)
    quiz = _came_from(request, question)
    form = QuestionForm(
        request.POST or None,
        initial=_initial(question),
        question_type=question.type,
        case_slides=_case_slide_queryset(question.course, keep_id=question.case_slide_id),
    )
    tags = OutcomesForm(
        request.POST or None,
        curriculum=question.course.curriculum,
        selected=question.outcomes.all(),
    )
    if request.method == "POST" and form.is_valid() and tags.is_valid():
        data = form.cleaned_data
        try:
            quiz_authoring.edit_question(
                question=question,
                prompt=data["prompt"],
                points=data["points"],
                agreement_tolerance=form.agreement_tolerance(),
                case_slide=data.get("case_slide"),
                start_view=form.start_view(),
                options=data.get("parsed_options") or [],
                reference=form.reference(),
            )
            curricula.set_question_outcomes(question=question, outcomes=tags.chosen())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Question saved.")
            return _back(quiz, question)
    answered = question.answers.filter(attempt__state="submitted").count()
    return render(
        request,
        "courses/question_form.html",
        _form_context(
            quiz,
            form,
            question.type,
            course=question.course,
            question=question,
            editing=True,
            tags=tags,
            answered_count=answered,
            used_in=list(question.quizzes.order_by("title")),
            slide_locked=question.is_spatial and quiz_authoring.in_attempts(question),
        ),
    )


def _placement(request, quiz_uuid, question_uuid) -> QuizQuestion:
    """A question's place in a quiz the user manages (404 if either is missing or not theirs)."""
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    placement = (
        QuizQuestion.objects.filter(quiz=quiz, question__uuid=question_uuid)
        .select_related("question")
        .first()
    )
    if placement is None:
        raise Http404("No such question in this quiz.")
    placement.quiz = quiz
    return placement


@login_required
@require_POST
def question_delete(request, quiz_uuid, question_uuid):
    """Take a question out of the quiz (archived if the quiz's attempts had it)."""
    placement = _placement(request, quiz_uuid, question_uuid)
    back = reverse("courses:quiz-edit", args=[placement.quiz.uuid])
    if asking := confirmation.unless_confirmed(
        request,
        "Remove this question from the quiz? It stays in the course’s question bank.",
        "Yes, remove it",
        back,
    ):
        return asking
    if quiz_authoring.remove_question(
        quiz=placement.quiz, question=placement.question, now=timezone.now()
    ):
        messages.success(
            request,
            "Question archived: attempts that had it keep it and its marks; "
            "new attempts will not include it.",
        )
    else:
        messages.success(
            request, "Question taken out of this quiz; it stays in the course’s question bank."
        )
    return redirect("courses:quiz-edit", placement.quiz.uuid)


@login_required
@require_POST
def question_restore(request, quiz_uuid, question_uuid):
    placement = _placement(request, quiz_uuid, question_uuid)
    try:
        quiz_authoring.restore_question(quiz=placement.quiz, question=placement.question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Question restored: new attempts include it again.")
    return redirect("courses:quiz-edit", placement.quiz.uuid)


@login_required
@require_POST
def question_move(request, quiz_uuid, question_uuid):
    placement = _placement(request, quiz_uuid, question_uuid)
    form = MoveForm(request.POST)
    if form.is_valid() and placement.archived_at is None:
        course_services.move(
            item=placement,
            siblings=placement.quiz.placements.filter(archived_at__isnull=True),
            direction=form.cleaned_data["direction"],
        )
    return redirect("courses:quiz-edit", placement.quiz.uuid)


@login_required
@require_POST
def question_order(request, quiz_uuid):
    """The whole new order of the quiz's questions (drag and drop, courses/reorder.js)."""
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    form = OrderForm(request.POST)
    try:
        if form.is_valid():
            course_services.reorder(
                siblings=quiz.placements.filter(archived_at__isnull=True).select_related(
                    "question"
                ),
                uuids=form.cleaned_data["order"],
            )
    except ValidationError as error:
        form.add_error("order", error)
    return _order_response(request, form) or redirect("courses:quiz-edit", quiz.uuid)
