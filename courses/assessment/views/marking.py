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
from .. import marking
from ..marking_queue import after_saving, candidate_label, marking_rows
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
    rows = marking_rows(quiz, question_uuid)
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
            "to_mark": sum(1 for row in rows if row["status"] == "to mark"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mark_answer(request, answer_id):
    answer = access.get_answer_for_marker(request.user, answer_id)
    quiz = answer.attempt.quiz
    marks = list(answer.marks.select_related("marker").all())
    current = marking.current_mark(marks)
    form = MarkForm(request.POST or None, initial={"score": current.score if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            marking.examiner_mark(answer=answer, marker=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if "next" not in request.POST:
                messages.success(request, "Mark saved.")
                return redirect("courses:mark-answer", answer.id)
            step = after_saving(quiz, answer)
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
            "marks": marks,
            "current": current,
            "form": form,
            "reference": reference,
            "viewer": question_viewer(quiz, question, number) if question.is_spatial else None,
            "choices": list(question.choices.all()) if question.is_choice else [],
            "auto": next((m for m in reversed(marks) if m.stage == Mark.Stage.AUTO), None),
        },
    )
