"""Who may see and change which slide.

Missing and forbidden both answer 404, so ids leak nothing.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from .models import Slide


def get_slide_for_user(user, slide_uuid: UUID | str) -> Slide:
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
    return user.is_authenticated and (user.is_portal_admin or slide.uploaded_by_id == user.id)
