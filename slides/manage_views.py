"""Educators' management pages: edit, retire, bulk tags, delete (after a confirmation) and the
small status fragment the slide page polls.

Access first (404 for anyone who may not manage the slide), then the form, then a service in
`services.py` / `curation.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, curation, services, usage
from .forms import BulkTagForm, SlideEditForm
from .models import Slide


def _initial(slide: Slide) -> dict:
    return {
        "title": slide.title,
        "description": slide.description,
        "organ": slide.organ,
        "stain": slide.stain,
        "tags": ", ".join(tag.name for tag in slide.tags.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slide_uuid):
    slide = access.get_managed_slide(request.user, slide_uuid)
    form = SlideEditForm(request.POST or None, initial=_initial(slide))
    if request.method == "POST" and form.is_valid():
        services.update_slide_details(slide=slide, **form.cleaned_data)
        messages.success(request, "Slide details saved.")
        return redirect("slides:detail", slide.uuid)
    status = 400 if form.errors else 200
    return render(request, "slides/edit.html", {"slide": slide, "form": form}, status=status)


@login_required
@require_POST
def retire(request, slide_uuid):
    slide = access.get_managed_slide(request.user, slide_uuid)
    if request.POST.get("retired") == "no":
        curation.unretire_slide(slide=slide)
        messages.success(request, "Un-retired: the slide is offered for new cases again.")
    else:
        curation.retire_slide(slide=slide, now=timezone.now())
        messages.success(request, "Retired: it stays where it is used and is offered nowhere new.")
    return redirect("slides:detail", slide.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, slide_uuid):
    """GET asks (listing where the slide is used, if anywhere); only a POST carrying the
    confirmation deletes."""
    slide = access.get_managed_slide(request.user, slide_uuid)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            curation.delete_unused_slide(slide=slide)
        except curation.SlideInUse as refusal:
            context = {"slide": slide, "uses": refusal.uses}
            return render(request, "slides/delete.html", context, status=409)
        messages.success(request, f"Deleted “{slide.title}” and its files.")
        return redirect("slides:library")
    context = {"slide": slide, "uses": usage.uses_of(slide)}
    return render(request, "slides/delete.html", context)


@login_required
@require_POST
def bulk_tag(request):
    if not access.can_upload(request.user):
        raise Http404("No such page.")
    slides = Slide.objects.visible_to(request.user)
    form = BulkTagForm(request.POST, slides=slides)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("slides:library")
    data = form.cleaned_data
    chosen = slides.filter(pk__in=[slide.pk for slide in data["slides"]])
    adding = data["action"] == "add"
    changed = curation.tag_slides(slides=chosen, tag_name=data["tag"], add=adding)
    verb = "Added" if adding else "Removed"
    messages.success(
        request, f"{verb} “{data['tag'].strip().lower()}”: {changed} slide(s) changed."
    )
    return redirect("slides:library")


@login_required
@require_GET
def status(request, slide_uuid):
    """The status badge alone; it polls itself every 2 s while the slide is being built."""
    slide = access.get_library_slide(request.user, slide_uuid)
    return render(request, "slides/_live_status.html", {"slide": slide})
