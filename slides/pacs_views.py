"""PACS pages for educators: DICOMweb sources, searching a PACS, pulling a series.

Search results name patients (accession numbers, dates, descriptions): they are drawn into the
page to pick from, sent with `Cache-Control: no-store`, and never stored or logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, dicomweb, dicomweb_import, dicomweb_push
from .models import DicomwebImport, DicomwebSource
from .pacs_forms import DicomwebSourceForm, PacsImportForm, PacsSearchForm


def _require_educator(user) -> None:
    if not access.can_upload(user):
        raise Http404("No such page.")


def _source_for(user, source_uuid) -> DicomwebSource:
    _require_educator(user)
    source = DicomwebSource.objects.filter(uuid=source_uuid).first()
    if source is None:
        raise Http404("No such source.")
    return source


def _import_for(user, import_uuid) -> DicomwebImport:
    _require_educator(user)
    job = DicomwebImport.objects.select_related("source", "slide").filter(uuid=import_uuid).first()
    if job is None:
        raise Http404("No such import.")
    return job


@login_required
@require_GET
def search(request):
    _require_educator(request.user)
    sources = DicomwebSource.objects.all()
    form = PacsSearchForm(request.GET or None, initial={"source": sources.first()})
    context = {"form": form, "sources": sources, "studies": None, "series": None, "error": ""}
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            if data["study"]:
                context["series"] = dicomweb.search_series(
                    data["source"], study_uid=data["study"], body_part=data["body_part"]
                )
                context["import_form"] = PacsImportForm(
                    initial={"source": data["source"], "study_uid": data["study"]}
                )
            else:
                context["studies"] = dicomweb.search_studies(
                    data["source"],
                    accession_number=data["accession_number"],
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                )
        except dicomweb.PacsError as error:
            context["error"] = str(error)
    context["imports"] = DicomwebImport.objects.select_related("slide")[:10]
    response = render(request, "slides/pacs.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def start_import(request):
    _require_educator(request.user)
    form = PacsImportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("slides:pacs")
    data = form.cleaned_data
    try:
        job = dicomweb_import.request_import(
            source=data["source"],
            requested_by=request.user,
            study_uid=data["study_uid"],
            series_uid=data["series_uid"],
            title=data["title"],
        )
    except dicomweb_import.SeriesRejected as error:
        messages.error(request, str(error))
        return redirect("slides:pacs")
    messages.success(request, "The series is being fetched from the PACS.")
    return redirect("slides:pacs-import", job.uuid)


@login_required
@require_GET
def import_detail(request, import_uuid):
    job = _import_for(request.user, import_uuid)
    context = {"job": job, "earlier": dicomweb_import.earlier_imports(job)}
    return render(request, "slides/pacs_import.html", context)


@login_required
@require_GET
def import_progress(request, import_uuid):
    job = _import_for(request.user, import_uuid)
    return render(request, "slides/_pacs_import_progress.html", {"job": job})


@login_required
@require_GET
def sources(request):
    _require_educator(request.user)
    return render(request, "slides/pacs_sources.html", {"sources": DicomwebSource.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def source_form(request, source_uuid=None):
    if source_uuid is None:
        _require_educator(request.user)
        source = DicomwebSource()
    else:
        source = _source_for(request.user, source_uuid)
    form = DicomwebSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the source “{source.name}”.")
        return redirect("slides:pacs-sources")
    status = 400 if form.errors else 200
    context = {"form": form, "source": source}
    return render(request, "slides/pacs_source_form.html", context, status=status)


@login_required
@require_POST
def push_token(request, source_uuid):
    """A new push token for the source, shown this once (the old one stops working)."""
    source = _source_for(request.user, source_uuid)
    token = dicomweb_push.make_push_token(source=source)
    stow_root = request.build_absolute_uri(
        reverse("slides:stow", args=[source.uuid]).removesuffix("studies")
    )
    context = {"source": source, "token": token, "stow_root": stow_root}
    response = render(request, "slides/pacs_push_token.html", context)
    add_never_cache_headers(response)
    return response
