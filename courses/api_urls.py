from django.urls import path

from . import api
from .assessment.api_urls import urlpatterns as assessment_urlpatterns

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

urlpatterns += assessment_urlpatterns
