"""Who may see and change which slide.

Missing and forbidden both answer 404, so ids leak nothing.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from .models import Slide


def get_library_slide(user, slide_uuid: UUID | str) -> Slide:
    """A slide as the library shows it (status, review gate, title, thumbnail): library users
    only.

    Trainees and examiners meet slides only through cases, never through the library, so a
    slide's library title (which may name the diagnosis) does not reach them."""
    slide = Slide.objects.visible_to(user).filter(uuid=slide_uuid).first()
    if slide is None:
        raise Http404("No such slide.")
    return slide


def can_upload(user) -> bool:
    return user.is_authenticated and user.is_educator


def can_review(user, slide: Slide) -> bool:
    """Any educator may pass the gate; the reviewer is recorded."""
    return user.is_authenticated and user.is_educator


def can_manage(user, slide: Slide) -> bool:
    """Edit, retire, tag and delete. The library is shared by the educators (as review is), so
    any educator may; the 404 of `get_library_slide` already keeps everyone else out."""
    return user.is_authenticated and user.is_educator


def get_managed_slide(user, slide_uuid: UUID | str) -> Slide:
    slide = get_library_slide(user, slide_uuid)
    if not can_manage(user, slide):
        raise Http404("No such slide.")
    return slide
