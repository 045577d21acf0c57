"""Telling educators that a PACS sent a series to teaching.

When a pushed series has become a slide, every educator on the source's "educators to tell" list
gets an email (when they have an address), and their home page lists the slides sent from a PACS
that still wait for them (being prepared or awaiting review) until someone reviews them. The
email carries only what the portal shows anyway: the source's name, the de-identified slide's
title and a link; never anything the PACS sent about the patient.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import DicomwebImport, Slide

logger = logging.getLogger(__name__)

WAITING = (Slide.Status.UPLOADED, Slide.Status.PROCESSING, Slide.Status.AWAITING_REVIEW)


def tell_arrival(import_id: int) -> int:
    """Email the source's educators about this push's slide; returns how many were sent.
    A mail server that fails is logged, never lets the import fail."""
    job = (
        DicomwebImport.objects.select_related("source", "slide")
        .filter(pk=import_id, kind=DicomwebImport.Kind.PUSH, slide__isnull=False)
        .first()
    )
    if job is None:
        return 0
    addresses = sorted({user.email for user in job.source.notify.all() if user.email})
    if not addresses:
        return 0
    link = settings.PORTAL_BASE_URL + reverse("slides:detail", args=[job.slide.uuid])
    subject = f"A slide from {job.source.name} waits for review"
    body = (
        f"{job.source.name} sent a series to teaching. It arrived de-identified as the slide "
        f"“{job.slide.title}”, which is being prepared and will then wait at the review gate "
        f"until an educator checks it for identifiers.\n\n{link}\n"
    )
    try:
        return send_mail(subject, body, None, addresses)
    except OSError:
        logger.warning("could not email the educators of %s", job.source.name, exc_info=True)
        return 0


def arrivals_for(user) -> list[DicomwebImport]:
    """Pushed slides this educator is told about that nobody has reviewed yet, newest first."""
    if not (user.is_authenticated and user.is_educator):
        return []
    return list(
        DicomwebImport.objects.filter(
            kind=DicomwebImport.Kind.PUSH, source__notify=user, slide__status__in=WAITING
        )
        .select_related("source", "slide")
        .order_by("-created_at")[:20]
    )
