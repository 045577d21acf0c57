"""Slide library pages: list, upload, detail with the review gate, live progress, viewer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, pipeline, search, services, thumbnails
from .forms import LibraryFilterForm, ReviewForm, SlideUploadForm
from .models import DicomwebImport, Slide
from .tile_views import storage_outage_is_503
from .viewer import viewer_context


def _require_educator(user) -> None:
    if not access.can_upload(user):
        raise Http404("No such page.")


@login_required
@require_GET
def library(request):
    _require_educator(request.user)
    filters = LibraryFilterForm(request.GET or None)
    slides = filters.filter(Slide.objects.visible_to(request.user)).prefetch_related("tags")
    page_obj = Paginator(slides, 24).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj, "filters": filters, "total": page_obj.paginator.count}
    if page_obj.paginator.count:
        context["facets"] = search.facets(slides)
    return render(request, "slides/library.html", context)


def _is_ajax(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _require_educator(request.user)
    form = SlideUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            slide = services.create_slide(
                uploaded_by=request.user,
                original=upload_file.temporary_file_path(),
                original_name=upload_file.name,
                title=form.cleaned_data["title"],
                organ=form.cleaned_data["organ"],
                stain=form.cleaned_data["stain"],
                tags=form.cleaned_data["tags"],
            )
            pipeline.start(slide.id)
            target = reverse("slides:detail", args=[slide.uuid])
            if _is_ajax(request):
                return JsonResponse({"redirect": target, "uuid": str(slide.uuid)}, status=201)
            messages.success(request, "Uploaded. The slide is being processed.")
            return redirect(target)
        if _is_ajax(request):
            return JsonResponse({"errors": form.errors}, status=400)
    return render(request, "slides/upload.html", {"form": form}, status=400 if form.errors else 200)


def _metadata_rows(slide: Slide) -> list[tuple[str, str]]:
    rows = []
    if slide.has_pyramid_geometry:
        rows.append(("Dimensions", f"{slide.width:,} × {slide.height:,} px"))
    if slide.mpp:
        rows.append(("Pixel size", f"{slide.mpp:.4f} µm/px"))
    if slide.objective_power:
        rows.append(("Objective", f"{slide.objective_power:g}×"))
    if slide.vendor:
        rows.append(("Scanner format", slide.vendor))
    if slide.organ:
        rows.append(("Organ", slide.organ))
    if slide.stain:
        rows.append(("Stain", slide.stain))
    return rows


def _specimen_texts_to_review(user, slide) -> list:
    """Specimen descriptions a PACS sent, for the review form only: free text that may name
    the patient, shown to no one but an educator who may pass the review gate, and only while
    the slide waits for it (the educator keeps or discards each one there)."""
    if slide.status != slide.Status.AWAITING_REVIEW or not access.can_review(user, slide):
        return []
    return list(slide.pending_specimen_texts.all())


@login_required
@require_GET
def detail(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    context = {
        "slide": slide,
        "viewer": viewer_context(slide),
        "can_review": access.can_review(request.user, slide),
        "can_manage": access.can_manage(request.user, slide),
        "review_form": ReviewForm(),
        "specimen_texts": _specimen_texts_to_review(request.user, slide),
        "metadata": _metadata_rows(slide),
        "burned_in_warning": DicomwebImport.objects.filter(
            slide=slide, burned_in_annotation=True
        ).exists(),
    }
    return render(request, "slides/detail.html", context)


@login_required
@require_GET
def progress(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    return render(request, "slides/_progress.html", {"slide": slide})


@login_required
@require_GET
def viewer(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    context = viewer_context(slide)
    if context is None:
        raise Http404("This slide has nothing to show yet.")
    return render(request, "slides/viewer.html", {"slide": slide, "viewer": context})


@login_required
@require_POST
def review(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    if not access.can_review(request.user, slide):
        raise Http404("No such slide.")
    pending = slide.pending_specimen_texts.values_list("pk", flat=True)
    form = ReviewForm(request.POST, pending_text_ids=list(pending))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("slides:detail", slide.uuid)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.approve_slide(
                slide=slide,
                reviewer=request.user,
                note=form.cleaned_data["note"],
                keep_texts=form.cleaned_data["keep_texts"],
            )
            messages.success(request, "Approved: the slide can now be used in courses.")
        else:
            services.reject_slide(
                slide=slide, reviewer=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, "Rejected: the slide's tiles were deleted.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("slides:detail", slide.uuid)


@login_required
@require_GET
@storage_outage_is_503
def thumbnail(request, slide_uuid):
    slide = access.get_library_slide(request.user, slide_uuid)
    data = thumbnails.thumbnail_jpeg(slide) if slide.is_viewable else None
    if data is None:
        raise Http404("No thumbnail yet.")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=60"
    return response
