"""Search for educators: slides of the library and cases of the courses they manage, one box."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from slides import search as slide_search
from slides.models import Slide

from .. import access
from ..search import cases_for

SLIDES_SHOWN = 12


class SearchForm(forms.Form):
    q = forms.CharField(label="Search slides and cases", max_length=slide_search.MAX_QUERY_LENGTH)


@login_required
@require_GET
def search_page(request):
    if not access.can_create_courses(request.user):
        raise Http404("No such page.")
    form = SearchForm(request.GET or None)
    context = {"form": form, "searched": False}
    if form.is_valid():
        text = form.cleaned_data["q"]
        found = slide_search.search(Slide.objects.visible_to(request.user), text)
        context.update(
            searched=True,
            query=text,
            slides=list(found.prefetch_related("tags")[:SLIDES_SHOWN]),
            slide_total=found.count(),
            cases=cases_for(request.user, text),
        )
    return render(request, "courses/search.html", context)
