"""Item analysis over the API, for a quiz's educators and examiners (the page's figures)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from portal.api_errors import NOT_FOUND, documented

from .. import access
from .item_report import MIN_CANDIDATES, ItemLine, ItemReport, item_report


class ItemFlagOutput(serializers.Serializer):
    code = serializers.ChoiceField(["negative_discrimination", "too_hard", "too_easy"])
    reason = serializers.CharField()


class ReliabilityOutput(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(help_text="Why the value is null; empty otherwise.")


class ItemOptionOutput(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    is_correct = serializers.BooleanField()
    chosen = serializers.IntegerField()
    by_quartile = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=4,
        max_length=4,
        help_text="The bottom quartile first.",
    )
    share_by_quartile = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        min_length=4,
        max_length=4,
        help_text="The share of each quartile's candidates who chose it (null: empty quartile).",
    )


class ItemOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="1-based place in the quiz.")
    question = serializers.UUIDField()
    type = serializers.CharField()
    points = serializers.FloatField()
    analysed = serializers.BooleanField()
    left_out = serializers.CharField(help_text="Why the question was not analysed, if it was not.")
    facility = serializers.FloatField(allow_null=True)
    discrimination = serializers.FloatField(allow_null=True)
    point_biserial = serializers.FloatField(
        allow_null=True, help_text="Corrected item–total (item–rest) correlation."
    )
    flags = ItemFlagOutput(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    options = ItemOptionOutput(many=True, help_text="Choice questions only; empty otherwise.")
    unknown_choices = serializers.IntegerField(
        help_text="Choices of options the question no longer offers (not counted)."
    )


class ItemAnalysisOutput(serializers.Serializer):
    quiz = serializers.UUIDField()
    candidates = serializers.IntegerField(help_text="Best submitted, fully marked attempts.")
    minimum_candidates = serializers.IntegerField()
    enough_candidates = serializers.BooleanField()
    awaiting_candidates = serializers.IntegerField(
        help_text="Left out: their counted attempt has answers awaiting an examiner."
    )
    awaiting_answers = serializers.IntegerField()
    upper_group = serializers.IntegerField()
    lower_group = serializers.IntegerField()
    quartile_sizes = serializers.ListField(
        child=serializers.IntegerField(), min_length=4, max_length=4
    )
    alpha = ReliabilityOutput()
    kr20 = ReliabilityOutput()
    items = ItemOutput(many=True)


def _item(item: ItemLine) -> dict:
    stats = item.stats
    return {
        "number": item.number,
        "question": item.question.uuid,
        "type": item.question.type,
        "points": item.question.points,
        "analysed": stats is not None,
        "left_out": item.left_out,
        "facility": stats.facility if stats else None,
        "discrimination": stats.discrimination if stats else None,
        "point_biserial": stats.point_biserial if stats else None,
        "flags": [{"code": flag.code, "reason": flag.reason} for flag in item.flags],
        "notes": list(stats.notes) if stats else [],
        "options": [
            {
                "key": option.key,
                "text": option.text,
                "is_correct": option.is_correct,
                "chosen": option.chosen,
                "by_quartile": list(option.by_quartile),
                "share_by_quartile": list(option.share_by_quartile),
            }
            for option in item.options
        ],
        "unknown_choices": item.unknown_choices,
    }


def _body(quiz, report: ItemReport) -> dict:
    analysis = report.analysis
    return ItemAnalysisOutput(
        {
            "quiz": quiz.uuid,
            "candidates": report.candidates,
            "minimum_candidates": MIN_CANDIDATES,
            "enough_candidates": report.enough_candidates,
            "awaiting_candidates": report.awaiting_candidates,
            "awaiting_answers": report.awaiting_answers,
            "upper_group": analysis.upper_group,
            "lower_group": analysis.lower_group,
            "quartile_sizes": list(report.quartile_sizes),
            "alpha": {"value": analysis.alpha.value, "reason": analysis.alpha.reason},
            "kr20": {"value": analysis.kr20.value, "reason": analysis.kr20.reason},
            "items": [_item(item) for item in report.items],
        }
    ).data


@extend_schema(
    responses=documented({200: ItemAnalysisOutput, 404: NOT_FOUND}),
    summary="Item analysis of a quiz: facility, discrimination, item–rest r, flags, α, KR-20, "
    "options by quartile",
)
@api_view(["GET"])
def item_analysis(request, quiz_uuid):
    """For the quiz's examiners and its course's educators; 404 for everyone else."""
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    return Response(_body(quiz, item_report(quiz)))
