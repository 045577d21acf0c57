"""REST API for courses (DRF): the same access rules as the pages, through courses/access.py.

Annotation and tour writes carry the version they were made on; a stale write answers 409 with
what is stored now, so the page can offer to reload instead of overwriting someone's work.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from portal import json_limits
from portal.api_errors import NOT_FOUND, ErrorOutput, documented, error
from portal.json_fields import StorableJSONField, check_storable
from portal.pagination import PAGE, PAGE_NOT_FOUND, paginated
from slides import geometry as geo

from . import access, markdown_text, services
from .assessment.selectors import exam_lock
from .models import Case, CaseSlide, Course, Enrolment, EnrolmentRole, Module

# While an exam that uses the slide is live, its trainees do not get its teaching content.
EXAM_LOCKED = error(
    "Withheld from trainees while a live exam uses this slide; `detail` says which and until when"
)


def _validation(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": error.messages})


def _teaching_for(request, case_slide_uuid) -> CaseSlide:
    """The case slide whose teaching content (annotations, export, tour) is asked for: 404 if
    it is not the person's to see, 403 with the reason while a live exam withholds it."""
    case_slide = access.get_case_slide_for_user(request.user, case_slide_uuid)
    lock = exam_lock(request.user).teaching(case_slide.case.module.course, case_slide.slide_id)
    if lock is not None:
        raise PermissionDenied(lock.sentence)
    return case_slide


# --- Annotation fields: free JSON checked by slides/geometry.py, documented for clients ----------


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON geometry in level-0 pixels of the slide, inside the slide.",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": list(geo.ALLOWED_TYPES)},
            "coordinates": {"type": "array", "items": {}},
        },
    }
)
class GeometryField(StorableJSONField):
    pass


@extend_schema_field(
    {
        "type": "object",
        "description": "How the annotation is drawn and named; the kind must fit the geometry.",
        "required": ["kind"],
        "properties": {
            "kind": {"type": "string", "enum": list(geo.KINDS)},
            "label": {"type": "string", "nullable": True, "maxLength": geo.MAX_LABEL_LENGTH},
            "colour": {"type": "string", "nullable": True, "pattern": "^#[0-9a-fA-F]{6}$"},
            "note": {"type": "string", "nullable": True, "maxLength": geo.MAX_NOTE_LENGTH},
        },
        "additionalProperties": False,
    }
)
class AnnotationPropertiesField(StorableJSONField):
    pass


POINT_EXAMPLE = {
    "geometry": {"type": "Point", "coordinates": [1200, 800]},
    "properties": {"kind": "point", "label": "Crypt abscess", "colour": "#d62728"},
}


# --- Output serializers ----------------------------------------------------------------------


class CaseSlideOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    slide = serializers.UUIDField(source="slide.uuid")
    stain = serializers.CharField()
    position = serializers.IntegerField()
    width = serializers.IntegerField(source="slide.width")
    height = serializers.IntegerField(source="slide.height")
    mpp = serializers.FloatField(source="slide.mpp", allow_null=True)


class CaseSummaryOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    position = serializers.IntegerField()


class MarkdownHtmlField(serializers.CharField):
    """Read only: the source field's Markdown as sanitised HTML (courses/markdown_text.py),
    block HTML or, with `inline`, one line's worth (no paragraph around it)."""

    def __init__(self, *, inline: bool = False, **kwargs):
        self.inline = inline
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        render = markdown_text.render_inline if self.inline else markdown_text.render
        return render(value)


class CaseOutput(CaseSummaryOutput):
    clinical_history = serializers.CharField(help_text="Markdown, as the educator wrote it.")
    clinical_history_html = MarkdownHtmlField(
        source="clinical_history", help_text="The clinical history rendered, safe to show as is."
    )
    reveal_allowed = serializers.BooleanField()
    slides = CaseSlideOutput(many=True, source="case_slides.all")


class ModuleOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    position = serializers.IntegerField()
    cases = CaseSummaryOutput(many=True, source="cases.all")


class CourseOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Course.Status.choices)
    modules = ModuleOutput(many=True, source="modules.all")


class CourseSummaryOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Course.Status.choices)
    case_count = serializers.IntegerField()


class EnrolmentOutput(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=EnrolmentRole.choices)


class AnnotationOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    version = serializers.IntegerField()
    geometry = GeometryField()
    properties = AnnotationPropertiesField()
    note_html = MarkdownHtmlField(source="note", help_text="The note rendered, safe to show as is.")
    updated_at = serializers.DateTimeField()


class TourStopData(serializers.Serializer):
    center_x = serializers.FloatField()
    center_y = serializers.FloatField()
    view_width = serializers.FloatField(min_value=0.0001)
    rotation = serializers.FloatField(required=False, default=0)
    text = serializers.CharField(max_length=500, help_text="Markdown, one line's worth.")
    text_html = MarkdownHtmlField(
        source="text", inline=True, help_text="The text rendered, safe to show as is."
    )


class TourOutput(serializers.Serializer):
    version = serializers.IntegerField(source="tour_version")
    stops = TourStopData(many=True, source="tour_stops.all")


class AnnotationConflictOutput(ErrorOutput):
    current = AnnotationOutput(allow_null=True, help_text="What is stored now; null if deleted.")


class TourConflictOutput(ErrorOutput):
    current = TourOutput(help_text="The tour as it is stored now.")


ANNOTATION_CONFLICT = OpenApiResponse(
    AnnotationConflictOutput, description="Changed by someone else since it was loaded"
)
TOUR_CONFLICT = OpenApiResponse(
    TourConflictOutput, description="Changed by someone else since it was loaded"
)


# --- Input serializers -----------------------------------------------------------------------


class CourseInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, default="", allow_blank=True)


class EnrolInput(serializers.Serializer):
    identifiers = serializers.ListField(
        child=serializers.CharField(max_length=254), max_length=5000
    )
    role = serializers.ChoiceField(choices=EnrolmentRole.choices)


class AnnotationInput(serializers.Serializer):
    geometry = GeometryField()
    properties = AnnotationPropertiesField()


class AnnotationUpdateInput(AnnotationInput):
    version = serializers.IntegerField(min_value=1)


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class TourInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    stops = TourStopData(many=True)


# --- Courses ---------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    parameters=[PAGE],
    responses=documented({200: paginated(CourseSummaryOutput), 404: PAGE_NOT_FOUND}),
    summary="My courses",
    # A page is one object, so spectacular would not name this a list by itself.
    operation_id="courses_list",
)
@extend_schema(
    methods=["POST"],
    request=CourseInput,
    responses=documented(
        {201: CourseSummaryOutput, 404: error("Not an educator (only educators create courses)")},
        body="Invalid input, or a malformed body",
    ),
    summary="Create a course (you become its educator)",
)
@api_view(["GET", "POST"])
def course_list(request):
    if request.method == "POST":
        if not access.can_create_courses(request.user):
            raise NotFound("No such page.")
        data = CourseInput(data=request.data)
        data.is_valid(raise_exception=True)
        course = services.create_course(owner=request.user, **data.validated_data)
        course.case_count = 0
        return Response(CourseSummaryOutput(course).data, status=201)
    courses = Course.objects.visible_to(request.user).annotate(
        case_count=Count("modules__cases", distinct=True)
    )
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(courses.order_by("title"), request)
    return paginator.get_paginated_response(CourseSummaryOutput(page, many=True).data)


@extend_schema(
    responses=documented({200: CourseOutput, 404: NOT_FOUND}), summary="A course with its modules"
)
@api_view(["GET"])
def course_detail(request, course_uuid):
    course = access.get_course_for_user(request.user, course_uuid)
    modules = Module.objects.prefetch_related("cases")
    course = (
        Course.objects.prefetch_related(Prefetch("modules", queryset=modules))
        .filter(pk=course.pk)
        .get()
    )
    return Response(CourseOutput(course).data)


@extend_schema(
    methods=["GET"],
    responses=documented({200: EnrolmentOutput(many=True), 404: NOT_FOUND}),
    summary="People",
)
@extend_schema(
    methods=["POST"],
    request=EnrolInput,
    responses=documented(
        {
            200: inline_serializer(
                "EnrolReport",
                {
                    "added": serializers.ListField(child=serializers.CharField()),
                    "updated": serializers.ListField(child=serializers.CharField()),
                    "unknown": serializers.ListField(child=serializers.CharField()),
                },
            ),
            404: NOT_FOUND,
        },
        body="Invalid input, or a malformed body",
    ),
    summary="Enrol people by username or e-mail",
)
@api_view(["GET", "POST"])
def course_enrolments(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    if request.method == "POST":
        data = EnrolInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.enrol(course=course, added_by=request.user, **data.validated_data)
        return Response(
            {"added": report.added, "updated": report.updated, "unknown": report.unknown}
        )
    enrolments = Enrolment.objects.filter(course=course).select_related("user")
    return Response(EnrolmentOutput(enrolments, many=True).data)


@extend_schema(
    responses=documented({200: CaseOutput, 404: NOT_FOUND}), summary="A case (no diagnosis)"
)
@api_view(["GET"])
def case_detail(request, case_uuid):
    case = access.get_case_for_user(request.user, case_uuid)
    case = Case.objects.prefetch_related("case_slides__slide").get(pk=case.pk)
    return Response(CaseOutput(case).data)


# --- Annotations -----------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    responses=documented({200: AnnotationOutput(many=True), 403: EXAM_LOCKED, 404: NOT_FOUND}),
    summary="Teaching annotations of a case slide",
)
@extend_schema(
    methods=["POST"],
    request=AnnotationInput,
    examples=[OpenApiExample("A point", POINT_EXAMPLE, request_only=True)],
    responses=documented(
        {201: AnnotationOutput, 404: NOT_FOUND},
        body="Invalid geometry or input",
    ),
    summary="Add a teaching annotation (educators of the course)",
)
@api_view(["GET", "POST"])
def annotation_list(request, case_slide_uuid):
    if request.method == "POST":
        case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
        data = AnnotationInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            annotation = services.create_annotation(
                case_slide=case_slide, author=request.user, **data.validated_data
            )
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(AnnotationOutput(annotation).data, status=201)
    case_slide = _teaching_for(request, case_slide_uuid)
    return Response(AnnotationOutput(case_slide.annotations.all(), many=True).data)


def _conflict(current) -> Response:
    body = {"detail": "Changed by someone else since you loaded it. Reload to see their version."}
    body["current"] = AnnotationOutput(current).data if current is not None else None
    return Response(body, status=status.HTTP_409_CONFLICT)


@extend_schema(
    methods=["PUT"],
    request=AnnotationUpdateInput,
    examples=[OpenApiExample("Move a point", {**POINT_EXAMPLE, "version": 1}, request_only=True)],
    responses=documented(
        {200: AnnotationOutput, 404: NOT_FOUND, 409: ANNOTATION_CONFLICT},
        body="Invalid input, or a malformed body",
    ),
    summary="Edit an annotation made on top of `version`",
)
@extend_schema(
    methods=["DELETE"],
    request=VersionInput,
    examples=[OpenApiExample("The version you saw", {"version": 1}, request_only=True)],
    responses=documented(
        {204: None, 404: NOT_FOUND, 409: ANNOTATION_CONFLICT},
        body="Invalid input, or a malformed body",
    ),
    summary="Delete an annotation (send the version you saw)",
)
@api_view(["PUT", "DELETE"])
def annotation_detail(request, annotation_uuid):
    annotation = access.get_annotation_for_manager(request.user, annotation_uuid)
    if request.method == "DELETE":
        data = VersionInput(data=request.data or request.query_params)
        data.is_valid(raise_exception=True)
        try:
            services.delete_annotation(annotation=annotation, **data.validated_data)
        except services.VersionConflict as conflict:
            return _conflict(conflict.current)
        return Response(status=204)
    data = AnnotationUpdateInput(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        annotation = services.update_annotation(annotation=annotation, **data.validated_data)
    except services.VersionConflict as conflict:
        return _conflict(conflict.current)
    except DjangoValidationError as error:
        raise _validation(error) from error
    return Response(AnnotationOutput(annotation).data)


@extend_schema(
    responses=documented(
        {
            200: OpenApiResponse(
                {"type": "object", "additionalProperties": {}},
                description="QuPath-compatible GeoJSON FeatureCollection",
            ),
            403: EXAM_LOCKED,
            404: NOT_FOUND,
        }
    ),
    summary="Export teaching annotations as QuPath GeoJSON",
)
@api_view(["GET"])
def annotation_export(request, case_slide_uuid):
    case_slide = _teaching_for(request, case_slide_uuid)
    response = Response(services.export_annotations(case_slide=case_slide))
    response["Content-Disposition"] = (
        f'attachment; filename="annotations-{case_slide.uuid}.geojson"'
    )
    return response


@extend_schema(
    request={
        "multipart/form-data": inline_serializer("GeoJSONFile", {"file": serializers.FileField()})
    },
    responses=documented(
        {
            200: inline_serializer(
                "ImportReport",
                {
                    "added": serializers.IntegerField(),
                    "skipped": serializers.ListField(child=serializers.CharField()),
                },
            ),
            404: NOT_FOUND,
        },
        body="Not GeoJSON, or too large",
    ),
    summary="Import QuPath GeoJSON (file upload or a JSON body)",
)
@api_view(["POST"])
@parser_classes([MultiPartParser, JSONParser])
def annotation_import(request, case_slide_uuid):
    case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError({"detail": "The file is larger than 20 MB."})
        try:
            data = json_limits.loads(upload.read().decode("utf-8-sig"))
        except json_limits.JSONLimitExceeded as error:
            raise ValidationError({"detail": f"The file cannot be read: {error}"}) from error
        except ValueError as error:  # not UTF-8, or not JSON
            raise ValidationError({"detail": "The file is not JSON."}) from error
    else:
        data = request.data
    check_storable(data)
    try:
        added, skipped = services.import_annotations(
            case_slide=case_slide, author=request.user, data=data
        )
    except DjangoValidationError as error:
        raise _validation(error) from error
    return Response({"added": added, "skipped": skipped})


# --- Tours -----------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    responses=documented({200: TourOutput, 403: EXAM_LOCKED, 404: NOT_FOUND}),
    summary="Guided tour",
)
@extend_schema(
    methods=["PUT"],
    request=TourInput,
    examples=[
        OpenApiExample(
            "One stop",
            {
                "version": 1,
                "stops": [
                    {
                        "center_x": 1000,
                        "center_y": 700,
                        "view_width": 900,
                        "rotation": 0,
                        "text": "The crypts are distorted here.",
                    }
                ],
            },
            request_only=True,
        )
    ],
    responses=documented(
        {200: TourOutput, 404: NOT_FOUND, 409: TOUR_CONFLICT},
        body="Invalid stop or input",
    ),
    summary="Replace the guided tour (send the version you loaded)",
)
@api_view(["GET", "PUT"])
def tour(request, case_slide_uuid):
    if request.method == "PUT":
        case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
        data = TourInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case_slide = services.replace_tour(case_slide=case_slide, **data.validated_data)
        except services.VersionConflict as conflict:
            return Response(
                {
                    "detail": "The tour was changed by someone else. Reload to see it.",
                    "current": TourOutput(conflict.current).data,
                },
                status=409,
            )
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(TourOutput(case_slide).data)
    case_slide = _teaching_for(request, case_slide_uuid)
    return Response(TourOutput(case_slide).data)
