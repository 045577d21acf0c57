"""An educator trying a quiz as its trainees see it. Nothing is recorded: the page has no
attempt, loads none of the attempt page's saving scripts, and its answers stay in the browser."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ... import access
from ..presenters import preview_questions


@login_required
@require_GET
def quiz_preview(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    answer_key = request.GET.get("key") == "1"
    return render(
        request,
        "courses/quiz_preview.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "questions": preview_questions(quiz, answer_key=answer_key),
            "answer_key": answer_key,
        },
    )
