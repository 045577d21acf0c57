"""REST API for the slide library (DRF). Same access rules as the pages: `access.py`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from portal.api_errors import INVALID, NOT_FOUND, documented, error
from portal.pagination import PAGE, PAGE_NOT_FOUND, paginated

from . import access, pipeline, search, services
from .forms import split_tags
from .models import Slide
from .tile_tokens import make_token


class SlideOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    organ = serializers.CharField()
    stain = serializers.CharField()
    tags = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Slide.Status.choices)
    failure_reason = serializers.CharField()
    tiles_done = serializers.IntegerField()
    tiles_total = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    mpp = serializers.FloatField(allow_null=True)
    objective_power = serializers.FloatField(allow_null=True)
    vendor = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    links = serializers.SerializerMethodField()

    def get_tags(self, slide: Slide) -> list[str]:
        return [tag.name for tag in slide.tags.all()]

    def get_links(self, slide: Slide) -> dict[str, str]:
        request = self.context["request"]
        links = {"page": request.build_absolute_uri(reverse("slides:detail", args=[slide.uuid]))}
        if slide.is_viewable:
            token = make_token(str(slide.uuid))
            links["dzi"] = request.build_absolute_uri(
                reverse("slides:dzi", args=[token, slide.uuid])
            )
            links["iiif"] = request.build_absolute_uri(
                reverse("slides:iiif-info", args=[token, slide.uuid])
            )
            links["thumbnail"] = request.build_absolute_uri(
                reverse("slides:thumbnail", args=[slide.uuid])
            )
        return links


class SlideUploadInput(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200)
    organ = serializers.CharField(max_length=100, required=False, default="")
    stain = serializers.CharField(max_length=100, required=False, default="")
    tags = serializers.CharField(max_length=500, required=False, default="")


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ListFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=search.MAX_QUERY_LENGTH,
        help_text="Ranked search over title, organ, stain, tags and description; typos forgiven.",
    )  # fmt: skip
    status = serializers.ChoiceField(choices=Slide.Status.choices, required=False)


@extend_schema(
    methods=["GET"],
    parameters=[ListFilters, PAGE],
    responses=documented(
        {
            200: paginated(SlideOutput),
            400: INVALID,
            404: error(f"{PAGE_NOT_FOUND.description}; or not an educator (the library is theirs)"),
        }
    ),
    summary="Slides this user may see",
    # A page is one object, so spectacular would not name this a list by itself.
    operation_id="slides_list",
)
@extend_schema(
    methods=["POST"],
    request={"multipart/form-data": SlideUploadInput},
    responses=documented(
        {201: SlideOutput, 404: error("Not an educator (only educators upload)")},
        body="Not a file of a supported format, or invalid input",
    ),
    summary="Upload a slide (processing starts at once)",
)
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser])
def slide_list(request):
    if request.method == "POST":
        if not access.can_upload(request.user):
            raise NotFound("No such page.")
        data = SlideUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        slide = services.create_slide(
            uploaded_by=request.user,
            original=upload.temporary_file_path(),
            original_name=upload.name,
            title=data.validated_data["title"],
            organ=data.validated_data["organ"],
            stain=data.validated_data["stain"],
            tags=split_tags(data.validated_data["tags"]),
        )
        pipeline.start(slide.id)
        return Response(SlideOutput(slide, context={"request": request}).data, status=201)
    if not access.can_upload(request.user):
        raise NotFound("No such page.")
    filters = ListFilters(data=request.query_params)
    filters.is_valid(raise_exception=True)
    slides = Slide.objects.visible_to(request.user).prefetch_related("tags")
    if state := filters.validated_data.get("status"):
        slides = slides.filter(status=state)
    slides = search.search(slides, filters.validated_data.get("q", ""))
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(slides, request)
    return paginator.get_paginated_response(
        SlideOutput(page, many=True, context={"request": request}).data
    )


@extend_schema(responses=documented({200: SlideOutput, 404: NOT_FOUND}))
@api_view(["GET"])
def slide_detail(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    return Response(SlideOutput(slide, context={"request": request}).data)


@extend_schema(
    request=ReviewInput,
    responses=documented(
        {200: SlideOutput, 404: NOT_FOUND},
        body="Not awaiting review, a rejection without a note, or invalid input",
    ),
    summary="Pass or fail the identifier review gate",
)
@api_view(["POST"])
def slide_review(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    if not access.can_review(request.user, slide):
        raise NotFound("No such slide.")
    data = ReviewInput(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        if data.validated_data["decision"] == "approve":
            services.approve_slide(
                slide=slide, reviewer=request.user, note=data.validated_data["note"]
            )
        else:
            services.reject_slide(
                slide=slide, reviewer=request.user, note=data.validated_data["note"]
            )
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
    return Response(
        SlideOutput(slide, context={"request": request}).data, status=status.HTTP_200_OK
    )
