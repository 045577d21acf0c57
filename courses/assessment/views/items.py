"""Item analysis for a quiz's educators and examiners: the page and its CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ... import access
from ...models import Course
from ..item_report import MIN_CANDIDATES, item_report


@login_required
@require_GET
def item_analysis(request, quiz_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    return render(
        request,
        "courses/item_analysis.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "report": item_report(quiz),
            "minimum": MIN_CANDIDATES,
            # Examiners read the report too, but only the course's educators edit questions.
            "can_edit": Course.objects.managed_by(request.user).filter(pk=quiz.course_id).exists(),
        },
    )


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


@login_required
@require_GET
def item_analysis_csv(request, quiz_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    report = item_report(quiz)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="item-analysis-{quiz.uuid}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["question", "type", "prompt", "points", "facility", "discrimination",
         "point_biserial", "flags", "note"]
    )  # fmt: skip
    for item in report.items:
        stats = item.stats
        prompt = " ".join(item.question.prompt.split())[:200]
        # A leading =, +, - or @ would run as a formula in a spreadsheet.
        if prompt[:1] in ("=", "+", "-", "@"):
            prompt = "'" + prompt
        writer.writerow(
            [
                f"Q{item.number}",
                item.question.type,
                prompt,
                f"{item.question.points:g}",
                _figure(stats.facility if stats else None),
                _figure(stats.discrimination if stats else None),
                _figure(stats.point_biserial if stats else None),
                " ".join(flag.code for flag in item.flags),
                item.left_out or " ".join(stats.notes if stats else ()),
            ]
        )
    writer.writerow([])
    writer.writerow(["candidates", report.candidates])
    writer.writerow(["awaiting an examiner (left out)", report.awaiting_candidates])
    writer.writerow(["cronbach_alpha", _figure(report.analysis.alpha.value)])
    writer.writerow(["kr20", _figure(report.analysis.kr20.value)])
    return response
