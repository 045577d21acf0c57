"""Thin Celery tasks for the LMS services; each is safe to run twice."""

from __future__ import annotations

import requests
from celery import shared_task
from django.conf import settings
from pylti1p3.exception import LtiException, LtiServiceException

from courses.models import Quiz

from . import grades, roster

LMS_ERRORS = (LtiException, LtiServiceException, requests.RequestException)


def _backoff(retries: int) -> int:
    return min(settings.LTI_RETRY_BASE_SECONDS * 2**retries, 3600)


@shared_task(bind=True, acks_late=True, max_retries=10, ignore_result=True)
def post_released_scores(self, quiz_id: int) -> None:
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return
    try:
        grades.post_released_scores(quiz)
    except LMS_ERRORS as error:  # the LMS is down or refused: later, with growing pauses
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, max_retries=5, ignore_result=True)
def sync_roster(self, context_id: int) -> None:
    try:
        roster.sync_context(context_id)
    except LMS_ERRORS as error:
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task(acks_late=True, ignore_result=True)
def sync_all_rosters() -> None:
    """Nightly: one sync task per linked LMS course that offers a roster."""
    for context_id in roster.syncable_contexts():
        sync_roster.delay(context_id)
