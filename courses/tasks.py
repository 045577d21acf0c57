"""Periodic work for assessment: submitting attempts whose time ran out."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .assessment import attempts


@shared_task(acks_late=True, ignore_result=True)
def submit_overdue_attempts() -> int:
    """Attempts are also submitted when their trainee comes back; this catches the rest."""
    return attempts.submit_overdue(now=timezone.now())
