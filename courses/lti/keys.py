"""The tool's signing keys: which one signs, and rotation without downtime.

Every active key is in the published JWKS (django-lti's `Key`, kid = RFC 7638 thumbprint). A new
key is published `LTI_KEY_PUBLISH_SECONDS` before it signs, so a platform that caches the key set
already holds it; the old key keeps signing meanwhile and stays published until it is retired."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lti_tool.models import Key


def signing_key(now=None) -> Key:
    """The newest active key that has been published long enough; the oldest active key while
    every key is still too new (first start: the only key signs at once)."""
    now = now or timezone.now()
    ready_before = now - timedelta(seconds=settings.LTI_KEY_PUBLISH_SECONDS)
    active = Key.objects.active()
    key = active.filter(datetime_created__lte=ready_before).order_by("-datetime_created").first()
    if key is None:
        key = active.order_by("datetime_created").first()
    if key is None:
        key = Key.objects.generate()
    return key


@transaction.atomic
def rotate(*, retire_older_than: timedelta, now=None) -> tuple[Key, int]:
    """Publish a new key and retire keys older than `retire_older_than`, never the key that
    signs now nor the new one. Returns the new key and how many were retired."""
    now = now or timezone.now()
    current = signing_key(now)
    new_key = Key.objects.generate()
    retired = (
        Key.objects.active()
        .filter(datetime_created__lt=now - retire_older_than)
        .exclude(pk__in=[current.pk, new_key.pk])
        .update(is_active=False)
    )
    return new_key, retired
