"""The answer map page: a question's cohort density or outline agreement drawn over its slide
with the reference, and the misconception clusters, for the quiz's markers only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ... import access
from ...models import Question
from .. import heatmaps
from ..presenters import question_viewer


@login_required
@require_GET
def answer_map_page(request, quiz_uuid, question_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    question = heatmaps.get_mapped_question(quiz, question_uuid)
    order = list(Question.objects.in_quiz(quiz, archived=None).values_list("id", flat=True))
    number = order.index(question.id) + 1
    data = heatmaps.answer_map(quiz, question)
    return render(
        request,
        "courses/answer_map.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "question": question,
            "number": number,
            "map": data,
            "viewer": question_viewer(quiz, question, number),
        },
    )
