"""API routes of assessment, included into `courses.api_urls`."""

from django.urls import path

from . import api as assessment_api
from . import authoring_api, heatmaps_api, item_api

urlpatterns = [
    path("attempts/<uuid:attempt_uuid>/", assessment_api.attempt_detail, name="api-attempt-detail"),
    path(
        "attempts/<uuid:attempt_uuid>/answers/<uuid:question_uuid>/",
        assessment_api.answer_save,
        name="api-answer-save",
    ),
    path(
        "attempts/<uuid:attempt_uuid>/answers/<uuid:question_uuid>/check/",
        assessment_api.answer_check,
        name="api-answer-check",
    ),
    path(
        "attempts/<uuid:attempt_uuid>/submit/",
        assessment_api.attempt_submit,
        name="api-attempt-submit",
    ),
    path("quizzes/<uuid:quiz_uuid>/", assessment_api.quiz_detail, name="api-quiz-detail"),
    path(
        "quizzes/<uuid:quiz_uuid>/marking/",
        assessment_api.marking_queue,
        name="api-marking-queue",
    ),
    path("quizzes/<uuid:quiz_uuid>/items/", item_api.item_analysis, name="api-item-analysis"),
    path("answers/<int:answer_id>/marks/", assessment_api.answer_marks, name="api-answer-marks"),
    path(
        "answers/<int:answer_id>/moderation/",
        assessment_api.answer_moderation,
        name="api-answer-moderation",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/",
        authoring_api.question_list,
        name="api-question-list",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/order/",
        authoring_api.question_order,
        name="api-question-order",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/duplicate/",
        authoring_api.quiz_duplicate,
        name="api-quiz-duplicate",
    ),
    path(
        "questions/<uuid:question_uuid>/",
        authoring_api.question_detail,
        name="api-question-detail",
    ),
    path(
        "courses/<uuid:course_uuid>/questions/",
        authoring_api.question_bank,
        name="api-question-bank",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/",
        authoring_api.question_placement,
        name="api-question-placement",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/answer-map/",
        heatmaps_api.answer_map,
        name="api-answer-map",
    ),
]
