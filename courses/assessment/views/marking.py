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
from ...models import Answer, Mark
from .. import marking
from ..marking_queue import candidate_label, marking_rows
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
    questions = list(quiz.questions.order_by("position"))
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


def _next_answer(quiz, after: Answer) -> Answer | None:
    """The next answer that still needs an examiner, else the next one in the queue."""
    rows = marking_rows(quiz)
    ids = [row["answer"].id for row in rows]
    start = ids.index(after.id) + 1 if after.id in ids else 0
    ordered = rows[start:] + rows[:start]
    for row in ordered:
        if row["status"] == "to mark" and row["answer"].id != after.id:
            return row["answer"]
    return rows[start]["answer"] if start < len(rows) else None


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
            messages.success(request, "Mark saved.")
            following = _next_answer(quiz, answer) if "next" in request.POST else None
            return redirect("courses:mark-answer", (following or answer).id)
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
