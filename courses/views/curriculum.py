"""Curricula: educators upload one from CSV; a course's coverage picture."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import access, curricula
from ..coverage import CELL, course_coverage
from ..curriculum_csv import CurriculumCsvError
from ..forms_curriculum import CurriculumUploadForm
from ..models import Curriculum


@login_required
@require_http_methods(["GET", "POST"])
def curriculum_list(request):
    if not access.can_create_courses(request.user):
        raise Http404("No such page.")
    form = CurriculumUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            curriculum = curricula.import_curriculum(
                title=form.cleaned_data["title"],
                version=form.cleaned_data["version"],
                data=form.cleaned_data["file"].read(),
            )
        except CurriculumCsvError as error:
            problems = error.problems
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"Curriculum “{curriculum}” imported.")
            return redirect("courses:curricula")
    listed = Curriculum.objects.order_by("title", "version")
    return render(
        request,
        "courses/curricula.html",
        {"form": form, "problems": problems, "curricula": listed},
    )


@login_required
@require_GET
def coverage(request, course_uuid):
    course = access.get_course_for_coverage(request.user, course_uuid)
    return render(
        request,
        "courses/coverage.html",
        {"course": course, "coverage": course_coverage(course), "cell": CELL},
    )
