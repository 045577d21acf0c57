from django.urls import path

from .views import authoring, courses, marking, quizzes, results, study, taking

app_name = "courses"
urlpatterns = [
    path("courses/", courses.course_list, name="list"),
    path("courses/new/", courses.course_create, name="create"),
    path("courses/<uuid:course_uuid>/", courses.course_detail, name="detail"),
    path("courses/<uuid:course_uuid>/edit/", courses.course_edit, name="edit"),
    path("courses/<uuid:course_uuid>/people/", courses.people, name="people"),
    path(
        "courses/<uuid:course_uuid>/people/<int:enrolment_id>/remove/",
        courses.enrolment_remove,
        name="enrolment-remove",
    ),
    path("courses/<uuid:course_uuid>/join-code/", courses.join_code, name="join-code"),
    path("courses/<uuid:course_uuid>/modules/new/", authoring.module_create, name="module-create"),
    path("courses/<uuid:course_uuid>/modules/order/", authoring.module_order, name="module-order"),
    path("join/", courses.join, name="join"),
    path("modules/<uuid:module_uuid>/edit/", authoring.module_edit, name="module-edit"),
    path("modules/<uuid:module_uuid>/move/", authoring.module_move, name="module-move"),
    path("modules/<uuid:module_uuid>/delete/", authoring.module_delete, name="module-delete"),
    path("modules/<uuid:module_uuid>/cases/new/", authoring.case_create, name="case-create"),
    path("modules/<uuid:module_uuid>/cases/order/", authoring.case_order, name="case-order"),
    path("cases/<uuid:case_uuid>/", study.case_page, name="case"),
    path("cases/<uuid:case_uuid>/edit/", authoring.case_edit, name="case-edit"),
    path("cases/<uuid:case_uuid>/move/", authoring.case_move, name="case-move"),
    path("cases/<uuid:case_uuid>/delete/", authoring.case_delete, name="case-delete"),
    path("cases/<uuid:case_uuid>/slides/add/", authoring.case_slide_add, name="case-slide-add"),
    path("cases/<uuid:case_uuid>/reveal/", study.case_reveal, name="case-reveal"),
    path("cases/<uuid:case_uuid>/complete/", study.case_complete, name="case-complete"),
    path("cases/<uuid:case_uuid>/compare/", study.case_compare, name="case-compare"),
    path(
        "case-slides/<uuid:case_slide_uuid>/edit/",
        authoring.case_slide_edit,
        name="case-slide-edit",
    ),
    path(
        "case-slides/<uuid:case_slide_uuid>/move/",
        authoring.case_slide_move,
        name="case-slide-move",
    ),
    path(
        "case-slides/<uuid:case_slide_uuid>/remove/",
        authoring.case_slide_remove,
        name="case-slide-remove",
    ),
    path(
        "case-slides/<uuid:case_slide_uuid>/annotate/",
        authoring.annotate,
        name="annotate",
    ),
    # Assessment
    path("courses/<uuid:course_uuid>/quizzes/new/", quizzes.quiz_create, name="quiz-create"),
    path("quizzes/<uuid:quiz_uuid>/", taking.quiz_page, name="quiz"),
    path("quizzes/<uuid:quiz_uuid>/start/", taking.quiz_start, name="quiz-start"),
    path("quizzes/<uuid:quiz_uuid>/edit/", quizzes.quiz_edit, name="quiz-edit"),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/new/",
        quizzes.question_create,
        name="question-create",
    ),
    path(
        "questions/<uuid:question_uuid>/scoring/", quizzes.question_scoring, name="question-scoring"
    ),
    path("quizzes/<uuid:quiz_uuid>/release/", quizzes.quiz_release, name="quiz-release"),
    path("quizzes/<uuid:quiz_uuid>/close/", quizzes.quiz_close, name="quiz-close"),
    path("quizzes/<uuid:quiz_uuid>/marking/", marking.marking_queue, name="marking"),
    path("answers/<int:answer_id>/mark/", marking.mark_answer, name="mark-answer"),
    path("quizzes/<uuid:quiz_uuid>/results/", results.results, name="results"),
    path("quizzes/<uuid:quiz_uuid>/results.csv", results.results_csv, name="results-csv"),
    path(
        "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>/cohort.png",
        results.cohort_picture,
        name="cohort-picture",
    ),
    path("attempts/<uuid:attempt_uuid>/", taking.attempt_page, name="attempt"),
    path("attempts/<uuid:attempt_uuid>/submit/", taking.attempt_submit, name="attempt-submit"),
    path("attempts/<uuid:attempt_uuid>/result/", taking.attempt_result, name="attempt-result"),
]
