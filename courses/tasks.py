"""Celery tasks of courses: submitting attempts whose time ran out; importing course bundles."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .assessment import attempts
from .bundles import jobs


@shared_task(acks_late=True, ignore_result=True)
def submit_overdue_attempts() -> int:
    """Attempts are also submitted when their trainee comes back; this catches the rest."""
    return attempts.submit_overdue(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True, time_limit=6 * 3600)
def import_course_bundle(job_id: int) -> None:
    """Thin: the job re-reads its row and returns early when it is gone or already finished."""
    jobs.run_import(job_id)
