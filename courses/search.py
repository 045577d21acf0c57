"""Finding cases an educator manages by their text: title, clinical history, discussion and
diagnosis, ranked, with the same typo correction as the slide library (`slides.search`). Only
for the educators of a course: a trainee searching diagnoses could find which case shows what,
so no trainee page asks this.

Cases are searched where they are, through an expression index over their text (migration
0008), so no stored copy has to follow every edit; bench/RESULTS.md, (i), measures 2,000 cases.
"""

from __future__ import annotations

from django.db.models import F, Q

from slides import search as slide_search
from slides import typos

from .models import Case, Course

MAX_CASES = 50
VOCABULARY_KEY = "courses:case-search:vocabulary"
FIELDS = ("title", "diagnosis", "clinical_history", "discussion")


def vocabulary() -> frozenset[str]:
    """Every word of every case's text, for correcting typos (cached for 5 minutes). The
    correction only chooses which words to look for; what is found stays the user's cases."""
    return slide_search.cached_words(
        VOCABULARY_KEY,
        lambda: (" ".join(row) for row in Case.objects.values_list(*FIELDS).iterator()),
    )


def cases_for(user, text: str) -> list[Case]:
    """The cases of the courses `user` manages matching `text`, best first (at most 50)."""
    text = slide_search.clean_query(text)
    if not text:
        return []
    cases = Case.objects.filter(module__course__in=Course.objects.managed_by(user))
    cases = cases.select_related("module__course")
    if slide_search.uses_postgres():
        found = _ranked(cases, text)
        if not found:
            fixed = typos.corrected(text, vocabulary())
            found = _ranked(cases, fixed) if fixed != text else []
        return found
    for word in typos.corrected(text, vocabulary()).split():
        cases = cases.filter(
            Q(title__icontains=word)
            | Q(clinical_history__icontains=word)
            | Q(discussion__icontains=word)
            | Q(diagnosis__icontains=word)
        )
    return list(cases.order_by("title")[:MAX_CASES])


def _ranked(cases, text: str) -> list[Case]:
    """Full text over the case's text (the expression migration 0008 indexes), ranked."""
    found = slide_search.full_text(cases, text, *FIELDS)
    return list(found.order_by(F("rank").desc(), "title")[:MAX_CASES])
