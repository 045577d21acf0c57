"""The authoring API of a course's educators: the course's question bank; add, edit, place,
take out (or archive) and reorder a quiz's questions; duplicate a quiz. The same services as
the pages (assessment/authoring.py); answer keys are shown here because only the course's
educators reach these routes."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from portal.api_errors import CSRF_FAILED, NOT_FOUND, documented
from portal.json_fields import StorableJSONField

from .. import access
from .. import services as course_services
from ..models import CaseSlide, Question, QuizQuestion
from . import authoring
from .api import QuizOutput, _fields


class OptionInput(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    correct = serializers.BooleanField(default=False)
    feedback = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ReferenceInput(serializers.Serializer):
    geometry = StorableJSONField(
        required=False, allow_null=True, help_text="GeoJSON in level-0 pixels of the slide."
    )
    value = serializers.FloatField(required=False, allow_null=True, min_value=-1e12, max_value=1e12)
    tolerance = serializers.FloatField(required=False, min_value=0, max_value=1e9)
    full_at = serializers.FloatField(required=False, min_value=0, max_value=1)
    zero_at = serializers.FloatField(required=False, min_value=0, max_value=1)
    model_answer = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class StartViewInput(serializers.Serializer):
    center_x = serializers.FloatField(min_value=-1e9, max_value=1e9)
    center_y = serializers.FloatField(min_value=-1e9, max_value=1e9)
    view_width = serializers.FloatField(min_value=1, max_value=1e9)


class QuestionEditInput(serializers.Serializer):
    prompt = serializers.CharField(max_length=10_000)
    points = serializers.FloatField(min_value=0.1, max_value=1000)
    agreement_tolerance = serializers.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        help_text="Double marking: the share of the points two blind marks may differ by.",
    )
    case_slide = serializers.UUIDField(allow_null=True, help_text="A case slide of the course.")
    start_view = StartViewInput(allow_null=True, help_text="null: the whole slide.")
    options = OptionInput(many=True, help_text="Choice questions: 2 to 10 options.")
    reference = ReferenceInput(help_text="The answer-key fields to change.")


class QuestionInput(QuestionEditInput):
    type = serializers.ChoiceField(choices=Question.Type.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("case_slide", "start_view", "options", "reference"):
            self.fields[name].required = False


class OptionOutput(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    correct = serializers.BooleanField(source="is_correct")
    feedback = serializers.CharField()


class ReferenceOutput(serializers.Serializer):
    geometry = serializers.JSONField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    tolerance = serializers.FloatField()
    full_at = serializers.FloatField()
    zero_at = serializers.FloatField()
    model_answer = serializers.CharField()
    version = serializers.IntegerField()


class PlacementOutput(serializers.Serializer):
    quiz = serializers.UUIDField(source="quiz.uuid")
    position = serializers.IntegerField()
    archived = serializers.BooleanField(
        help_text="Taken out of the quiz after attempts had it: kept for those attempts only."
    )


class QuestionOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    type = serializers.CharField()
    prompt = serializers.CharField()
    points = serializers.FloatField()
    agreement_tolerance = serializers.FloatField()
    case_slide = serializers.UUIDField(source="case_slide.uuid", allow_null=True, default=None)
    options = OptionOutput(source="choices", many=True)
    reference = ReferenceOutput()
    quizzes = serializers.SerializerMethodField(
        help_text="The quizzes that place this question of the course's bank."
    )

    @extend_schema_field(PlacementOutput(many=True))
    def get_quizzes(self, question) -> list[dict]:
        return PlacementOutput(
            [
                {"quiz": p.quiz, "position": p.position, "archived": p.archived_at is not None}
                for p in question.placements.all()
            ],
            many=True,
        ).data


class RemovedOutput(serializers.Serializer):
    archived = serializers.BooleanField(
        help_text="True: attempts had it, so its place was archived (kept for them) instead of "
        "removed. Either way the question stays in the course's bank."
    )


class OrderInput(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.UUIDField(), help_text="Every current question of the quiz, once."
    )


def _service_args(data: dict, course, keep_id: int | None = None) -> dict:
    """The validated input as `add_question` / `edit_question` arguments. A retired slide is
    refused unless it is `keep_id`, the case slide the question already shows."""
    args = {key: data[key] for key in ("prompt", "points", "agreement_tolerance") if key in data}
    if "case_slide" in data:
        case_slide = None
        if data["case_slide"] is not None:
            case_slide = (
                CaseSlide.objects.filter(case__module__course=course, uuid=data["case_slide"])
                .select_related("slide")
                .first()
            )
            if case_slide is None:
                raise ValidationError({"case_slide": ["No such case slide in this course."]})
            if case_slide.slide.is_retired and case_slide.pk != keep_id:
                raise ValidationError({"case_slide": ["This slide is retired."]})
        args["case_slide"] = case_slide
    if "start_view" in data:
        view = data["start_view"]
        args["start_view"] = (
            (view["center_x"], view["center_y"], view["view_width"]) if view else None
        )
    if "options" in data:
        args["options"] = [dict(option) for option in data["options"]]
    if "reference" in data:
        args["reference"] = dict(data["reference"])
    return args


def _refused(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": error.messages})


def _with_details(questions):
    return questions.select_related("case_slide", "reference").prefetch_related(
        "choices",
        Prefetch("placements", queryset=QuizQuestion.objects.select_related("quiz")),
    )


def _question_body(question: Question) -> dict:
    return QuestionOutput(_with_details(Question.objects.filter(pk=question.pk)).get()).data


EXAMPLE = OpenApiExample(
    "A single-choice question",
    {
        "type": "single",
        "prompt": "Which organ?",
        "points": 1,
        "options": [{"text": "Colon", "correct": True}, {"text": "Lung"}],
    },
    request_only=True,
)


@extend_schema(
    request=QuestionInput,
    examples=[EXAMPLE],
    responses=documented(
        {201: QuestionOutput, 404: NOT_FOUND}, body="Invalid question, options or answer key"
    ),
    summary="Add a question to a quiz (its educators)",
)
@api_view(["POST"])
def question_list(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    data = QuestionInput(data=request.data)
    data.is_valid(raise_exception=True)
    kind = data.validated_data["type"]
    try:
        question = authoring.add_question(
            quiz=quiz, type=kind, **_service_args(data.validated_data, quiz.course)
        )
    except DjangoValidationError as error:
        raise _refused(error) from error
    return Response(_question_body(question), status=201)


@extend_schema(
    methods=["PATCH"],
    request=QuestionEditInput,
    examples=[
        OpenApiExample("Reword", {"prompt": "Which organ is shown?"}, request_only=True),
        OpenApiExample("Widen the tolerance", {"reference": {"tolerance": 20}}, request_only=True),
    ],
    responses=documented(
        {200: QuestionOutput, 404: NOT_FOUND}, body="Invalid change, or a slide answers are on"
    ),
    summary="Edit any part of a question; answers already scored are re-scored",
)
@extend_schema(
    methods=["DELETE"],
    responses=documented(
        {204: None, 403: CSRF_FAILED, 404: NOT_FOUND},
        body="A quiz still has the question, or attempts were given it",
    ),
    summary="Delete a question from the course's bank (only one no quiz uses)",
)
@api_view(["PATCH", "DELETE"])
def question_detail(request, question_uuid):
    question = access.get_question_for_manager(request.user, question_uuid)
    if request.method == "DELETE":
        try:
            authoring.delete_from_bank(question=question)
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(status=204)
    data = QuestionEditInput(data=request.data, partial=True)
    data.is_valid(raise_exception=True)
    args = _service_args(data.validated_data, question.course, question.case_slide_id)
    try:
        question = authoring.edit_question(question=question, **args)
    except DjangoValidationError as error:
        raise _refused(error) from error
    return Response(_question_body(question))


@extend_schema(
    request=OrderInput,
    responses=documented({204: None, 404: NOT_FOUND}, body="Not every current question once"),
    summary="Set the order of a quiz's current questions",
)
@api_view(["POST"])
def question_order(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    data = OrderInput(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        course_services.reorder(
            siblings=quiz.placements.filter(archived_at__isnull=True).select_related("question"),
            uuids=[str(uuid) for uuid in data.validated_data["order"]],
        )
    except DjangoValidationError as error:
        raise _refused(error) from error
    return Response(status=204)


@extend_schema(
    request=None,
    responses=documented({201: QuizOutput, 403: CSRF_FAILED, 404: NOT_FOUND}),
    summary="Duplicate a quiz: settings and questions, hidden from trainees",
)
@api_view(["POST"])
def quiz_duplicate(request, quiz_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    copy = authoring.duplicate_quiz(quiz=quiz)
    return Response(QuizOutput({**_fields(copy), "marks_released": False}).data, status=201)


@extend_schema(
    responses=documented({200: QuestionOutput(many=True), 404: NOT_FOUND}),
    summary="The course's question bank: every question, with the quizzes that place it",
)
@api_view(["GET"])
def question_bank(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    questions = _with_details(Question.objects.filter(course=course)).order_by("created_at", "id")
    return Response(QuestionOutput(questions, many=True).data)


@extend_schema(
    methods=["PUT"],
    request=None,
    responses=documented(
        {200: PlacementOutput, 403: CSRF_FAILED, 404: NOT_FOUND},
        body="The question is in the quiz already",
    ),
    summary="Place a question of the course's bank at the end of a quiz (or restore it there)",
)
@extend_schema(
    methods=["DELETE"],
    request=None,
    responses=documented({200: RemovedOutput, 403: CSRF_FAILED, 404: NOT_FOUND}),
    summary="Take a question out of a quiz: archived there when attempts have it",
)
@api_view(["PUT", "DELETE"])
def question_placement(request, quiz_uuid, question_uuid):
    quiz = access.get_quiz_for_manager(request.user, quiz_uuid)
    question = Question.objects.filter(course=quiz.course, uuid=question_uuid).first()
    if question is None:
        raise NotFound("No such question in this course's bank.")
    if request.method == "DELETE":
        if not QuizQuestion.objects.filter(quiz=quiz, question=question).exists():
            raise NotFound("The question is not in this quiz.")
        archived = authoring.remove_question(quiz=quiz, question=question, now=timezone.now())
        return Response(RemovedOutput({"archived": archived}).data)
    try:
        placement = authoring.place_question(quiz=quiz, question=question)
    except DjangoValidationError as error:
        raise _refused(error) from error
    placement.quiz = quiz
    return Response(
        PlacementOutput({"quiz": quiz, "position": placement.position, "archived": False}).data
    )
