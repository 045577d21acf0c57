"""Trainee-facing attempt API: autosave with versions, check, submit. Nothing here serialises
reference data except through assessment.presenters, which applies the feedback policy."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.api_errors import (
    CSRF,
    CSRF_FAILED,
    NOT_FOUND,
    VALIDATION_ERROR,
    ErrorOutput,
    documented,
)
from portal.json_fields import StorableJSONField

from .. import access
from . import attempts, double_marking, marking
from .marking_queue import marking_rows
from .presenters import attempt_questions
from .selectors import allowance_for


class AnswerInput(serializers.Serializer):
    payload = StorableJSONField()
    version = serializers.IntegerField(min_value=0)


class AnswerOutput(serializers.Serializer):
    question = serializers.UUIDField(source="question.uuid")
    payload = serializers.JSONField()
    version = serializers.IntegerField()
    saved_at = serializers.DateTimeField(allow_null=True)


class AttemptOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    server_time = serializers.DateTimeField()
    questions = serializers.JSONField()


class ClosedOutput(ErrorOutput):
    closed = serializers.BooleanField(
        required=False, help_text="True: the attempt is submitted or its time is up."
    )
    withheld = serializers.BooleanField(
        required=False,
        help_text="True: a live exam on the same slide withholds this quiz's feedback for now.",
    )


class StaleOutput(ErrorOutput):
    current = AnswerOutput(help_text="The answer as it is saved now.")


CLOSED = OpenApiResponse(
    ClosedOutput, description=f"The attempt is submitted or its time is up, {CSRF}"
)
STALE = OpenApiResponse(StaleOutput, description="A newer version of the answer is already saved")


def _attempt_body(attempt) -> dict:
    return AttemptOutput(
        {
            "uuid": attempt.uuid,
            "state": attempt.state,
            "started_at": attempt.started_at,
            "deadline": attempt.deadline,
            "server_time": timezone.now(),
            "questions": attempt_questions(attempt),
        }
    ).data


@extend_schema(responses=documented({200: AttemptOutput, 404: NOT_FOUND}))
@api_view(["GET"])
def attempt_detail(request, attempt_uuid):
    """The attempt with every question and the saved answers (no reference data while open)."""
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    attempt = attempts.submit_if_overdue(attempt, timezone.now())
    return Response(_attempt_body(attempt))


@extend_schema(
    request=AnswerInput,
    examples=[
        OpenApiExample("A first save", {"payload": {"text": "Tubular adenoma"}, "version": 0}),
        OpenApiExample("No answer yet", {"payload": {}, "version": 0}),
    ],
    responses=documented(
        {200: AnswerOutput, 403: CLOSED, 404: NOT_FOUND, 409: STALE},
        body="Invalid input, or a malformed body",
    ),
    summary="Autosave an answer made on top of `version` (0 for the first save)",
)
@api_view(["PUT"])
def answer_save(request, attempt_uuid, question_uuid):
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    data = AnswerInput(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        answer = attempts.save_answer(
            attempt=attempt,
            question_uuid=question_uuid,
            payload=data.validated_data["payload"],
            version=data.validated_data["version"],
            now=timezone.now(),
        )
    except attempts.StaleSave as stale:
        return Response(
            {"detail": str(stale), "current": AnswerOutput(stale.current).data}, status=409
        )
    except attempts.AttemptClosed as closed:
        return Response({"detail": str(closed), "closed": True}, status=403)
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
    return Response(AnswerOutput(answer).data)


@extend_schema(
    request=None,
    responses=documented(
        {
            200: inline_serializer("CheckedAnswer", {"question": serializers.JSONField()}),
            400: OpenApiResponse(
                VALIDATION_ERROR, description="This quiz gives no feedback per question"
            ),
            403: OpenApiResponse(
                ClosedOutput,
                description="The attempt is submitted or its time is up (`closed`), or a live "
                f"exam on the same slide withholds this quiz's feedback (`withheld`), {CSRF}",
            ),
            404: NOT_FOUND,
        }
    ),
    summary="Lock an answer and see its feedback (quizzes with feedback after each question)",
)
@api_view(["POST"])
def answer_check(request, attempt_uuid, question_uuid):
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    try:
        attempts.check_answer(attempt=attempt, question_uuid=question_uuid, now=timezone.now())
    except attempts.AttemptClosed as closed:
        return Response({"detail": str(closed), "closed": True}, status=403)
    except attempts.CheckWithheld as withheld:
        return Response({"detail": str(withheld), "withheld": True}, status=403)
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
    question = next(q for q in attempt_questions(attempt) if q["uuid"] == str(question_uuid))
    return Response({"question": question})


@extend_schema(
    request=None,
    responses=documented(
        {
            200: inline_serializer("Submitted", {"submitted": serializers.BooleanField()}),
            403: CSRF_FAILED,
            404: NOT_FOUND,
        }
    ),
    summary="Submit the attempt (only the first of simultaneous submits counts)",
)
@api_view(["POST"])
def attempt_submit(request, attempt_uuid):
    attempt = access.get_attempt_for_trainee(request.user, attempt_uuid)
    submitted = attempts.submit_attempt(attempt=attempt, now=timezone.now())
    return Response({"submitted": submitted})


# --- Quizzes and marks -------------------------------------------------------------------------


class QuizOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    instructions = serializers.CharField()
    kind = serializers.CharField()
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    attempts_allowed = serializers.IntegerField()
    feedback_policy = serializers.CharField()
    marks_released = serializers.BooleanField()
    question_count = serializers.IntegerField(help_text="Not counting archived questions.")


class MarkInput(serializers.Serializer):
    score = serializers.FloatField(min_value=0)
    comment = serializers.CharField(required=False, default="", allow_blank=True)
    comment_x = serializers.FloatField(required=False, allow_null=True, default=None)
    comment_y = serializers.FloatField(required=False, allow_null=True, default=None)
    override_reason = serializers.CharField(required=False, default="", allow_blank=True)


class MarkOutput(serializers.Serializer):
    stage = serializers.CharField(help_text="auto, examiner, agreed or moderated")
    marker = serializers.CharField(source="marker.username", allow_null=True, default=None)
    score = serializers.FloatField()
    auto_score = serializers.FloatField(allow_null=True)
    measures = serializers.JSONField()
    comment = serializers.CharField()
    override_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class QueueItemOutput(serializers.Serializer):
    answer = serializers.IntegerField(source="answer.id")
    question = serializers.UUIDField(source="answer.question.uuid")
    candidate = serializers.CharField()
    status = serializers.CharField()
    score = serializers.FloatField(source="current.score", allow_null=True, default=None)


@extend_schema(responses=documented({200: QuizOutput, 404: NOT_FOUND}))
@api_view(["GET"])
def quiz_detail(request, quiz_uuid):
    """A quiz's settings as its trainees see them (no questions' answer keys)."""
    quiz = access.get_quiz_for_trainee(request.user, quiz_uuid)
    allowance = allowance_for(quiz, request.user)  # this trainee's, accommodations included
    return Response(
        QuizOutput(
            {
                **_fields(quiz),
                "attempts_allowed": allowance.attempts_allowed,
                "time_limit_minutes": allowance.time_limit_minutes,
                "marks_released": quiz.marks_released,
            }
        ).data
    )


def _fields(quiz) -> dict:
    return {
        **{
            field: getattr(quiz, field)
            for field in (
                "uuid", "title", "instructions", "kind", "opens_at", "closes_at",
                "time_limit_minutes", "attempts_allowed", "feedback_policy",
            )
        },
        "question_count": quiz.placements.filter(archived_at__isnull=True).count(),
    }  # fmt: skip


@extend_schema(
    responses=documented({200: QueueItemOutput(many=True), 404: NOT_FOUND}),
    summary="The marking queue of a quiz (candidate numbers while marking is blind)",
)
@api_view(["GET"])
def marking_queue(request, quiz_uuid):
    quiz = access.get_quiz_for_marker(request.user, quiz_uuid)
    return Response(QueueItemOutput(marking_rows(quiz, request.user), many=True).data)


@extend_schema(
    methods=["GET"],
    responses=documented({200: MarkOutput(many=True), 404: NOT_FOUND}),
    summary="Every mark of an answer",
)
@extend_schema(
    methods=["POST"],
    request=MarkInput,
    responses=documented(
        {201: MarkOutput, 404: NOT_FOUND},
        body="Out of range, or no reason",
    ),
    summary="Mark an answer (an override of the automatic score needs a reason)",
)
@api_view(["GET", "POST"])
def answer_marks(request, answer_id):
    answer = access.get_answer_for_marker(request.user, answer_id)
    if request.method == "POST":
        data = MarkInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            mark = marking.examiner_mark(answer=answer, marker=request.user, **data.validated_data)
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from error
        return Response(MarkOutput(mark).data, status=201)
    marks = list(answer.marks.order_by("created_at", "id"))
    quiz = answer.attempt.quiz
    if double_marking.needs_two_marks(quiz, answer.question):  # blind: not the other's mark yet
        marks = double_marking.visible_marks(
            double_marking.DoubleMarks(tuple(marks)), request.user, quiz
        )
    return Response(MarkOutput(marks, many=True).data)


class ModerationInput(serializers.Serializer):
    score = serializers.FloatField(min_value=0)
    reason = serializers.CharField(max_length=10_000)


@extend_schema(
    request=ModerationInput,
    responses=documented(
        {201: MarkOutput, 404: NOT_FOUND},
        body="Not in moderation, a marker moderating, out of range, or released",
    ),
    summary="Set the final mark of a double-marked answer whose two marks disagree",
)
@api_view(["POST"])
def answer_moderation(request, answer_id):
    answer = access.get_answer_for_marker(request.user, answer_id)
    data = ModerationInput(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        mark = double_marking.moderate(answer=answer, moderator=request.user, **data.validated_data)
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
    return Response(MarkOutput(mark).data, status=201)
