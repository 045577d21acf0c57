"""Quiz results for educators and examiners: the table, CSV, facility and cohort pictures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ... import access
from ...models import Answer, Attempt
from ..agreement_report import marker_agreement
from ..cohort_picture import cohort_png
from ..csv_export import csv_download
from ..marking_queue import candidate_label
from ..results import quiz_results


def _results(quiz):
    return quiz_results(quiz, label=lambda attempt: candidate_label(attempt, quiz))


@login_required
@require_GET
def results(request, quiz_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    data = _results(quiz)
    columns = list(zip(data.questions, data.facility, strict=True))
    return render(
        request,
        "courses/results.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "results": data,
            "columns": columns,
            "agreement": marker_agreement(quiz),
        },
    )


@login_required
@require_GET
def results_csv(request, quiz_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    data = _results(quiz)
    return csv_download(f"results-{quiz.uuid}.csv", _result_rows(data))


def _score(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


def _result_rows(data):
    questions = [f"Q{i}" for i in range(1, len(data.questions) + 1)]
    yield ["trainee", "attempt", *questions, "total", "awaiting marking"]
    for row in data.rows:
        scores = [_score(score) for score in row.scores]
        yield [row.label, row.attempt.number, *scores, _score(row.total.score), row.total.awaiting]
    yield ["maximum", "", *[f"{q.points:g}" for q in data.questions], f"{data.maximum:g}", ""]


@login_required
@require_GET
def cohort_picture(request, quiz_uuid, question_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    question = quiz.questions.filter(uuid=question_uuid).select_related("case_slide__slide").first()
    if question is None or not question.is_spatial:
        raise Http404("No picture for this question.")
    payloads = list(
        Answer.objects.filter(
            question=question, attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED
        )
        .exclude(payload={})
        .values_list("payload", flat=True)
    )
    reference = getattr(question, "reference", None)
    data = cohort_png(
        question.case_slide.slide, reference.geometry if reference else None, payloads
    )
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=30"
    return response
