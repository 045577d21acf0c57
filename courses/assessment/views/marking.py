"""Examiners marking answers: a queue per quiz and question, one answer at a time with the
trainee's annotation over the slide beside the reference, the automatic score and its measures."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ... import access
from ...models import Mark, Question
from .. import double_marking, marking
from ..marking_queue import WAITING, after_saving, candidate_label, marking_rows
from ..presenters import question_viewer


class MarkForm(forms.Form):
    score = forms.FloatField(min_value=0)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    comment_x = forms.FloatField(required=False, widget=forms.HiddenInput)
    comment_y = forms.FloatField(required=False, widget=forms.HiddenInput)
    override_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Reason for override"
    )


@login_required
@require_GET
def marking_queue(request, quiz_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    question_uuid = request.GET.get("question") or None
    rows = marking_rows(quiz, request.user, question_uuid)
    questions = list(Question.objects.in_quiz(quiz, archived=None))
    return render(
        request,
        "courses/marking_queue.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "rows": rows,
            "questions": questions,
            "selected_question": question_uuid,
            "to_mark": sum(1 for row in rows if row["status"] in WAITING),
            "next_row": next((row for row in rows if row["status"] in WAITING), None),
        },
    )


class ModerationForm(forms.Form):
    score = forms.FloatField(min_value=0, label="Final mark")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason")


def _double_context(request, quiz, answer, marks) -> dict:
    """What a double-marked answer's page shows this person: the marks they may read, their own
    blind mark to start from, and whether they moderate."""
    state = double_marking.DoubleMarks(tuple(marks))
    return {
        "double": state,
        "marks": double_marking.visible_marks(state, request.user, quiz),
        "status": double_marking.status_for(state, request.user),
        "may_moderate": state.final is None and double_marking.may_moderate(state, request.user),
        "mine": state.newest_by(request.user.pk),
    }


def _moderate(request, answer, form):
    try:
        double_marking.moderate(
            answer=answer,
            moderator=request.user,
            score=form.cleaned_data["score"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    messages.success(request, "Final mark set.")
    return redirect("courses:marking", answer.attempt.quiz.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def mark_answer(request, answer_id):
    answer = access.get_answer_for_marker(request.user, answer_id)
    quiz = answer.attempt.quiz
    marks = list(answer.marks.select_related("marker").order_by("created_at", "id"))
    current = marking.mark_that_counts(answer, quiz, marks=marks)
    double = double_marking.needs_two_marks(quiz, answer.question)
    extra = _double_context(request, quiz, answer, marks) if double else {"marks": marks}
    moderating = request.method == "POST" and "moderate" in request.POST
    moderation = ModerationForm(request.POST if moderating else None, prefix="moderation")
    if moderating and moderation.is_valid() and (done := _moderate(request, answer, moderation)):
        return done
    start = extra["mine"] if double else current
    form = MarkForm(
        request.POST if request.method == "POST" and not moderating else None,
        initial={"score": start.score if start else None},
    )
    if request.method == "POST" and not moderating and form.is_valid():
        try:
            marking.examiner_mark(answer=answer, marker=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if "next" not in request.POST:
                messages.success(request, "Mark saved.")
                return redirect("courses:mark-answer", answer.id)
            step = after_saving(quiz, answer, request.user)
            if step.answer is not None:
                messages.success(request, "Mark saved.")
                return redirect("courses:mark-answer", step.answer.id)
            messages.success(request, f"Mark saved. {step.summary}")
            return redirect("courses:marking", quiz.uuid)
    question = answer.question
    reference = getattr(question, "reference", None)
    number = answer.attempt.question_order.index(question.id) + 1
    return render(
        request,
        "courses/mark_answer.html",
        {
            "answer": answer,
            "quiz": quiz,
            "course": quiz.course,
            "question": question,
            "candidate": candidate_label(answer.attempt, quiz),
            "current": current,
            "form": form,
            "moderation": moderation,
            **extra,
            "reference": reference,
            "viewer": question_viewer(quiz, question, number) if question.is_spatial else None,
            "choices": list(question.choices.all()) if question.is_choice else [],
            "auto": next((m for m in reversed(marks) if m.stage == Mark.Stage.AUTO), None),
        },
    )
