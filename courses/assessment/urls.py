"""Pages of assessment, included into `courses.urls` (namespace "courses")."""

from django.urls import path

from .views import (
    accommodations,
    bank,
    heatmaps,
    items,
    marking,
    preview,
    questions,
    quizzes,
    results,
    taking,
)

urlpatterns = [
    path("courses/<uuid:course_uuid>/quizzes/new/", quizzes.quiz_create, name="quiz-create"),
    path("quizzes/<uuid:quiz_uuid>/", taking.quiz_page, name="quiz"),
    path("quizzes/<uuid:quiz_uuid>/start/", taking.quiz_start, name="quiz-start"),
    path("quizzes/<uuid:quiz_uuid>/edit/", quizzes.quiz_edit, name="quiz-edit"),
    path("quizzes/<uuid:quiz_uuid>/preview/", preview.quiz_preview, name="quiz-preview"),
    path("quizzes/<uuid:quiz_uuid>/duplicate/", quizzes.quiz_duplicate, name="quiz-duplicate"),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/new/",
        questions.question_create,
        name="question-create",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/order/",
        questions.question_order,
        name="question-order",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/accommodations/",
        accommodations.quiz_accommodations,
        name="quiz-accommodations",
    ),
    path("quizzes/<uuid:quiz_uuid>/questions/place/", bank.question_place, name="question-place"),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/delete/",
        questions.question_delete,
        name="question-delete",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/restore/",
        questions.question_restore,
        name="question-restore",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/move/",
        questions.question_move,
        name="question-move",
    ),
    path("courses/<uuid:course_uuid>/questions/", bank.question_bank, name="question-bank"),
    path("questions/<uuid:question_uuid>/edit/", questions.question_edit, name="question-edit"),
    path(
        "questions/<uuid:question_uuid>/delete/",
        bank.question_bank_delete,
        name="question-bank-delete",
    ),
    path("quizzes/<uuid:quiz_uuid>/release/", quizzes.quiz_release, name="quiz-release"),
    path("quizzes/<uuid:quiz_uuid>/close/", quizzes.quiz_close, name="quiz-close"),
    path("quizzes/<uuid:quiz_uuid>/marking/", marking.marking_queue, name="marking"),
    path("answers/<int:answer_id>/mark/", marking.mark_answer, name="mark-answer"),
    path("quizzes/<uuid:quiz_uuid>/results/", results.results, name="results"),
    path("quizzes/<uuid:quiz_uuid>/results.csv", results.results_csv, name="results-csv"),
    path("quizzes/<uuid:quiz_uuid>/items/", items.item_analysis, name="item-analysis"),
    path("quizzes/<uuid:quiz_uuid>/items.csv", items.item_analysis_csv, name="item-analysis-csv"),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/cohort.png",
        results.cohort_picture,
        name="cohort-picture",
    ),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/answer-map/",
        heatmaps.answer_map_page,
        name="answer-map",
    ),
    path("attempts/<uuid:attempt_uuid>/", taking.attempt_page, name="attempt"),
    path("attempts/<uuid:attempt_uuid>/submit/", taking.attempt_submit, name="attempt-submit"),
    path("attempts/<uuid:attempt_uuid>/result/", taking.attempt_result, name="attempt-result"),
]
