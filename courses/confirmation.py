"""The confirmation step in front of every release, close and delete.

A form that acts carries `confirm=yes` (the disclosure in `_confirm_delete.html` and the release
form put it there once the person has answered the question). A POST without it, from a page
without the disclosure, a script or a stale tab, acts on nothing: it is answered with a page
that asks, whose button sends the same POST again with the confirmation. No JavaScript needed.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

FIELD = "confirm"
ANSWER = "yes"
_NOT_REPEATED = {"csrfmiddlewaretoken", FIELD}


def confirmed(request) -> bool:
    return request.POST.get(FIELD) == ANSWER


def ask(request, *, question: str, confirm: str, back_url: str) -> HttpResponse:
    """The page that asks `question`; its `confirm` button repeats this POST, confirmed."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_REPEATED
        for value in values
    ]
    context = {
        "question": question,
        "confirm": confirm,
        "action": request.path,
        "fields": fields,
        "back_url": back_url,
    }
    return render(request, "courses/confirm.html", context)


def unless_confirmed(request, question: str, confirm: str, back_url: str) -> HttpResponse | None:
    """None when the POST is confirmed; otherwise the page that asks (the caller returns it)."""
    if confirmed(request):
        return None
    return ask(request, question=question, confirm=confirm, back_url=back_url)
