from django.urls import path

from . import api, assessment_api

urlpatterns = [
    path("courses/", api.course_list, name="api-course-list"),
    path("courses/<uuid:course_uuid>/", api.course_detail, name="api-course-detail"),
    path(
        "courses/<uuid:course_uuid>/enrolments/",
        api.course_enrolments,
        name="api-course-enrolments",
    ),
    path("cases/<uuid:case_uuid>/", api.case_detail, name="api-case-detail"),
    path(
        "case-slides/<uuid:case_slide_uuid>/annotations/",
        api.annotation_list,
        name="api-annotation-list",
    ),
    path(
        "case-slides/<uuid:case_slide_uuid>/annotations/export/",
        api.annotation_export,
        name="api-annotation-export",
    ),
    path(
        "case-slides/<uuid:case_slide_uuid>/annotations/import/",
        api.annotation_import,
        name="api-annotation-import",
    ),
    path("case-slides/<uuid:case_slide_uuid>/tour/", api.tour, name="api-tour"),
    path(
        "annotations/<uuid:annotation_uuid>/", api.annotation_detail, name="api-annotation-detail"
    ),
]

urlpatterns += [
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
    path("answers/<int:answer_id>/marks/", assessment_api.answer_marks, name="api-answer-marks"),
]
