from django.urls import path

from .assessment.urls import urlpatterns as assessment_urlpatterns
from .bundles import views as bundles
from .views import authoring, certificates, courses, curriculum, search, study

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
    path("courses/<uuid:course_uuid>/coverage/", curriculum.coverage, name="coverage"),
    path(
        "courses/<uuid:course_uuid>/certificate/",
        certificates.certificate_issue,
        name="certificate-issue",
    ),
    path(
        "courses/<uuid:course_uuid>/certificate.pdf",
        certificates.certificate_pdf,
        name="certificate-pdf",
    ),
    path("certificates/<str:code>/", certificates.certificate_verify, name="certificate-verify"),
    path("courses/<uuid:course_uuid>/join-code/", courses.join_code, name="join-code"),
    path("courses/<uuid:course_uuid>/modules/new/", authoring.module_create, name="module-create"),
    path("courses/<uuid:course_uuid>/modules/order/", authoring.module_order, name="module-order"),
    path("join/", courses.join, name="join"),
    path("courses/<uuid:course_uuid>/bundle/", bundles.export_course, name="bundle-export"),
    path("courses/import/", bundles.import_course, name="bundle-import"),
    path("courses/imports/<uuid:job_uuid>/", bundles.import_status, name="bundle-import-status"),
    path(
        "courses/imports/<uuid:job_uuid>/progress/",
        bundles.import_progress,
        name="bundle-import-progress",
    ),
    path("curricula/", curriculum.curriculum_list, name="curricula"),
    path("search/", search.search_page, name="search"),
    path("markdown/preview/", authoring.markdown_preview, name="markdown-preview"),
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
]

# Quizzes, attempts, marking and results: one URL namespace with the teaching pages.
urlpatterns += assessment_urlpatterns
