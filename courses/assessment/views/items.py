"""Item analysis for a quiz's educators and examiners: the page and its CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ... import access
from ...models import Course
from ..csv_export import csv_download
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
    return csv_download(f"item-analysis-{quiz.uuid}.csv", _item_rows(report))


def _item_rows(report):
    yield ["question", "type", "prompt", "points", "facility", "discrimination",
           "point_biserial", "flags", "note"]  # fmt: skip
    for item in report.items:
        stats = item.stats
        yield [
            f"Q{item.number}",
            item.question.type,
            " ".join(item.question.prompt.split())[:200],
            f"{item.question.points:g}",
            _figure(stats.facility if stats else None),
            _figure(stats.discrimination if stats else None),
            _figure(stats.point_biserial if stats else None),
            " ".join(flag.code for flag in item.flags),
            item.left_out or " ".join(stats.notes if stats else ()),
        ]
    yield []
    yield ["candidates", report.candidates]
    yield ["awaiting an examiner (left out)", report.awaiting_candidates]
    yield ["cronbach_alpha", _figure(report.analysis.alpha.value)]
    yield ["kr20", _figure(report.analysis.kr20.value)]
