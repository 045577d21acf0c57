"""Educators setting trainees' accommodations at a quiz: extra minutes and extra attempts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ... import access
from ...models import EnrolmentRole
from .. import services
from ..forms import AccommodationsForm


@login_required
@require_http_methods(["GET", "POST"])
def quiz_accommodations(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    trainees = (
        get_user_model()
        .objects.filter(enrolments__course=quiz.course, enrolments__role=EnrolmentRole.TRAINEE)
        .order_by("last_name", "first_name", "username")
    )
    current = {a.trainee_id: a for a in quiz.accommodations.all()}
    form = AccommodationsForm(request.POST or None, trainees=trainees, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_accommodations(
                quiz=quiz, changes=form.changes(), set_by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Accommodations saved ({changed} changed).")
            return redirect("courses:quiz-accommodations", quiz.uuid)
    return render(
        request,
        "courses/quiz_accommodations.html",
        {"quiz": quiz, "course": quiz.course, "form": form},
    )
