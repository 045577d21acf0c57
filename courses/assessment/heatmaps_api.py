"""The answer map API: a question's click density or outline agreement, and its misconception
clusters, for the quiz's markers only (its course's educators and its examiners; 404 for
everyone else, trainees included, before and after release)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from portal.api_errors import NOT_FOUND, documented

from .. import access
from . import heatmaps


def _rows(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField()), help_text=help_text
    )


class GridOutput(serializers.Serializer):
    origin_x = serializers.FloatField(help_text="Level-0 px of the first cell's left edge.")
    origin_y = serializers.FloatField(help_text="Level-0 px of the first cell's top edge.")
    cell_size = serializers.FloatField(help_text="Side of a square cell, level-0 px.")
    columns = serializers.IntegerField()
    rows = serializers.IntegerField()


class DensityOutput(serializers.Serializer):
    peak = serializers.FloatField(help_text="The largest value, for scaling colours.")
    clicks = serializers.IntegerField(help_text="Clicks inside the grid.")
    outside = serializers.IntegerField(help_text="Clicks outside the grid, left out.")
    bandwidth_um = serializers.FloatField(help_text="The smoothing's standard deviation.")
    values = _rows("Smoothed clicks per cell, values[row][column].")


class AgreementOutput(serializers.Serializer):
    outlines = serializers.IntegerField(help_text="Outlines drawn (the denominator).")
    values = _rows("Share of the outlines covering each cell's centre, values[row][column].")


class ClusterOutput(serializers.Serializer):
    size = serializers.IntegerField(help_text="Wrong clicks in the cluster.")
    centre = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)
    bounds = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        help_text="[min x, min y, max x, max y] of its clicks, level-0 px.",
    )


class AnswerMapOutput(serializers.Serializer):
    type = serializers.ChoiceField(choices=heatmaps.MAPPED)
    units = serializers.ChoiceField(
        choices=["um", "px"], help_text="px: the slide has no pixel size; µm are pixels."
    )
    answers = serializers.IntegerField(help_text="Trainees with a submitted attempt.")
    answered = serializers.IntegerField(help_text="Of them, those who clicked or drew.")
    grid = GridOutput()
    density = DensityOutput(allow_null=True, help_text="Point questions; null for outlines.")
    agreement = AgreementOutput(allow_null=True, help_text="Outline questions; null for points.")
    clusters = ClusterOutput(many=True, help_text="Misconception clusters, largest first.")
    wrong = serializers.IntegerField(help_text="Clicks (or outlines) outside every target.")
    unclustered = serializers.IntegerField(help_text="Wrong clicks in no cluster.")
    eps_um = serializers.FloatField(help_text="Clicks this close (µm) are neighbours.")
    min_size = serializers.IntegerField(help_text="The fewest clicks that make a cluster.")
    reference = serializers.JSONField(allow_null=True, help_text="The reference geometry.")


@extend_schema(
    responses=documented({200: AnswerMapOutput, 404: NOT_FOUND}),
    summary="Where the cohort answered a point or outline question, for the quiz's markers",
)
@api_view(["GET"])
def answer_map(request, quiz_uuid, question_uuid):
    """Computed from each trainee's latest submitted answer and cached until an answer or the
    reference changes. Coordinates are level-0 px of the question's slide."""
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    question = heatmaps.get_mapped_question(quiz, question_uuid)
    return Response(AnswerMapOutput(heatmaps.answer_map(quiz, question)).data)
