"""Educator pages for course bundles: download a course's bundle; upload one to import, and
follow the worker's progress (the progress panel of slide builds and PACS imports)."""

from __future__ import annotations

import itertools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods

from slides.models import Slide

from .. import access
from ..models import CourseImport
from ..tasks import import_course_bundle
from . import jobs
from .export import ExportFailed, bundle_filename, stream_bundle


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(label="Course bundle (.tar)")

    def clean_bundle(self):
        bundle = self.cleaned_data["bundle"]
        limit = settings.COURSE_BUNDLE_MAX_BYTES
        if bundle.size > limit:
            raise forms.ValidationError(
                f"The bundle is larger than this portal accepts ({filesizeformat(limit)})."
            )
        return bundle


@login_required
@require_GET
def export_course(request, course_uuid):
    """Only the course's educators (and admins) may take it away; the bundle streams."""
    course = access.get_course_for_manager(request.user, course_uuid)
    pieces = stream_bundle(course)
    try:
        first = next(pieces)  # checks every slide before the download starts
    except ExportFailed as error:
        messages.error(request, f"The course cannot be exported: {error}")
        return redirect("courses:detail", course.uuid)
    response = StreamingHttpResponse(
        itertools.chain([first], pieces), content_type="application/x-tar"
    )
    response["Content-Disposition"] = f'attachment; filename="{bundle_filename(course)}"'
    response["Cache-Control"] = "no-store"
    return response


def _enqueue(job_id: int) -> None:
    import_course_bundle.delay(job_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_course(request):
    if not access.can_create_courses(request.user):
        raise Http404("No such page.")
    posted = request.method == "POST"
    form = BundleUploadForm(request.POST, request.FILES) if posted else BundleUploadForm()
    if posted and form.is_valid():
        job = jobs.queue_import(
            upload=form.cleaned_data["bundle"], requested_by=request.user, enqueue=_enqueue
        )
        return redirect("courses:bundle-import-status", job.uuid)
    recent = CourseImport.objects.filter(requested_by=request.user).select_related("course")[:5]
    return render(
        request,
        "courses/bundle_import.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def _job_for(user, job_uuid) -> CourseImport:
    job = (
        CourseImport.objects.select_related("course")
        .filter(uuid=job_uuid, requested_by=user)
        .first()
    )
    if job is None or not access.can_create_courses(user):
        raise Http404("No such import.")
    return job


@login_required
@require_GET
def import_status(request, job_uuid):
    job = _job_for(request.user, job_uuid)
    return render(request, "courses/bundle_import_status.html", _job_context(job))


@login_required
@require_GET
def import_progress(request, job_uuid):
    job = _job_for(request.user, job_uuid)
    return render(request, "courses/_bundle_import_progress.html", _job_context(job))


def _job_context(job: CourseImport) -> dict:
    """The job, and once it is done the imported course's slides still at the review gate
    (a bundle's new slides wait there), so the educator knows what to confirm before trainees
    can see them."""
    waiting = []
    if job.status == CourseImport.Status.DONE and job.course_id:
        waiting = list(
            Slide.objects.filter(
                case_slides__case__module__course=job.course_id,
                status=Slide.Status.AWAITING_REVIEW,
            )
            .distinct()
            .order_by("title")
        )
    return {"job": job, "waiting_slides": waiting}
