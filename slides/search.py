"""Finding slides by what an educator types: ranked full-text search, forgiving of typos.

Each slide keeps one `search_document` (title, organ, stain, tags, and any description), kept
current by `refresh_documents` wherever those change (`services`). On PostgreSQL a query is
full text (`websearch_to_tsquery`, English configuration: "breast H&E" finds a "Breast core
biopsy" stained "H&E", and "biopsies" finds "biopsy"), through its GIN index (migration 0003),
ranked by `ts_rank`. When that finds nothing, unknown words are corrected by trigram similarity
against the words the documents contain (`typos`: "brest" becomes "breast") and the corrected
query is run the same way. Elsewhere (the embedded SQLite default) every word, corrected the same
way, must appear in the document; title matches first.

Facets count the slides found by organ, stain, tag and status, one query each.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from . import typos
from .models import Slide, Tag

CONFIG = "english"
MAX_QUERY_LENGTH = 200
VOCABULARY_KEY = "slides:search:vocabulary"
VOCABULARY_SECONDS = 300


def document_for(slide: Slide, tag_names) -> str:
    parts = [slide.title, slide.organ, slide.stain, *sorted(tag_names)]
    parts.append(getattr(slide, "description", "") or "")
    return " ".join(part.strip() for part in parts if part and part.strip())


def refresh_documents(slide_ids) -> None:
    """Recompute the search document of these slides (after their text or tags changed)."""
    slides = Slide.objects.filter(id__in=list(slide_ids)).prefetch_related("tags")
    for slide in slides:
        document = document_for(slide, [tag.name for tag in slide.tags.all()])
        if document != slide.search_document:
            Slide.objects.filter(id=slide.id).update(search_document=document)
    cache.delete(VOCABULARY_KEY)


def words_of(texts) -> frozenset[str]:
    return frozenset(word for text in texts for word in typos.WORD.findall(text.lower()))


def cached_words(key: str, texts) -> frozenset[str]:
    """The words of `texts()` (called only on a miss), cached under `key` for 5 minutes."""
    words = cache.get(key)
    if words is None:
        words = words_of(texts())
        cache.set(key, words, VOCABULARY_SECONDS)
    return words


def vocabulary() -> frozenset[str]:
    """Every word of every slide's document (cached; rebuilt after a change or 5 minutes)."""
    return cached_words(
        VOCABULARY_KEY,
        lambda: Slide.objects.values_list("search_document", flat=True).iterator(),
    )


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def clean_query(text: str) -> str:
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def search(slides, text: str):
    """`slides` narrowed to those matching `text`, best first (unchanged for blank text)."""
    text = clean_query(text)
    if not text:
        return slides
    if uses_postgres():
        found = full_text(slides, text, "search_document")
        # Counted, not `exists()`: with LIMIT 1 PostgreSQL expects an early hit and scans the
        # whole table when there is none (56 ms on 10,000 slides, against 3 ms by the index).
        if not found.order_by().count():
            fixed = typos.corrected(text, vocabulary())
            if fixed != text:
                found = full_text(slides, fixed, "search_document")
        return found
    return _portable_search(slides, typos.corrected(text, vocabulary()))


def full_text(queryset, text: str, *fields: str):
    """`queryset` matching `text` in `fields`, ranked: the expression is the one the GIN
    indexes of the migrations are built on, so they serve it."""
    query = SearchQuery(text, config=CONFIG, search_type="websearch")
    vector = SearchVector(*fields, config=CONFIG)
    return (
        queryset.annotate(document=vector)
        .filter(document=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by(F("rank").desc(), "-id")
    )


def _portable_search(slides, text: str):
    words = text.split()
    for word in words:
        slides = slides.filter(search_document__icontains=word)
    in_title = Q(*[Q(title__icontains=word) for word in words])
    return slides.annotate(
        rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).order_by("-rank", "-created_at")


def facets(slides) -> dict[str, list[tuple[str, str, int]]]:
    """Counts of the slides in `slides` by organ, stain, tag and status, largest first, as
    (value to filter by, label, count)."""
    ids = slides.order_by().values("id")
    base = Slide.objects.filter(id__in=ids)

    def counted(field: str, limit: int = 12) -> list[tuple[str, int]]:
        rows = base.exclude(**{field: ""}).values(field).annotate(n=Count("id"))
        return [(row[field], row["n"]) for row in rows.order_by("-n", field)[:limit]]

    tags = (
        Tag.objects.filter(slides__in=ids)
        .annotate(n=Count("slides"))
        .order_by("-n", "name")
        .values_list("name", "n")[:20]
    )
    labels = dict(Slide.Status.choices)
    return {
        "organ": [(value, value, n) for value, n in counted("organ")],
        "stain": [(value, value, n) for value, n in counted("stain")],
        "tag": [(name, name, n) for name, n in tags],
        "status": [(value, labels.get(value, value), n) for value, n in counted("status")],
    }
