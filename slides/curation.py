"""Educators' management of the library: retire, un-retire, bulk tagging, and deleting only
what nothing uses.

A retired slide stays wherever it is already used and is offered nowhere new
(`SlideQuerySet.usable_in_courses`); the library hides it unless asked to show retired slides.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import search, services, usage
from .models import Slide, Tag


class SlideInUse(ValidationError):
    """Refused: the slide is shown in these places (`uses`)."""

    def __init__(self, uses: list[usage.SlideUse]):
        self.uses = uses
        super().__init__("This slide is used in " + "; ".join(f"{u.kind} {u.title}" for u in uses))


def retire_slide(*, slide: Slide, now) -> Slide:
    if slide.retired_at is None:
        slide.retired_at = now
        slide.save(update_fields=["retired_at", "updated_at"])
    return slide


def unretire_slide(*, slide: Slide) -> Slide:
    if slide.retired_at is not None:
        slide.retired_at = None
        slide.save(update_fields=["retired_at", "updated_at"])
    return slide


def delete_unused_slide(*, slide: Slide) -> None:
    """Delete a slide that no course, case or quiz shows (a failed upload never is); raises
    `SlideInUse` listing the places otherwise."""
    with transaction.atomic():
        locked = Slide.objects.select_for_update().get(pk=slide.pk)
        uses = usage.uses_of(locked)
        if uses:
            raise SlideInUse(uses)
        services.delete_slide(slide=locked)


@transaction.atomic
def tag_slides(*, slides, tag_name: str, add: bool) -> int:
    """Add `tag_name` to (or remove it from) each of `slides`; returns how many changed."""
    name = tag_name.strip().lower()[:64]
    if not name:
        raise ValidationError("Give a tag.")
    ids = list(slides.values_list("pk", flat=True))
    through = Slide.tags.through
    if add:
        tag = Tag.objects.get_or_create(name=name)[0]
        have = set(
            through.objects.filter(tag=tag, slide_id__in=ids).values_list("slide_id", flat=True)
        )
        rows = [through(slide_id=pk, tag=tag) for pk in ids if pk not in have]
        through.objects.bulk_create(rows)
        changed = len(rows)
    else:
        changed, _ = through.objects.filter(tag__name=name, slide_id__in=ids).delete()
    Slide.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    search.refresh_documents(ids)  # the search finds slides by their tags
    return changed
