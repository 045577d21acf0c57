"""A course bundle an educator uploaded, being imported by a worker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class CourseImport(models.Model):
    """One upload of a bundle: its progress (bytes read), and the course or the reason it was
    refused. The uploaded file is private and deleted when the import ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Refused"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    bytes_done = models.PositiveBigIntegerField(default=0)
    bytes_total = models.PositiveBigIntegerField(default=0)
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bytes_done__lte=models.F("bytes_total")),
                name="course_import_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""),
                name="course_import_failure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Course import {self.uuid}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.IMPORTING)

    @property
    def progress_percent(self) -> int:
        if not self.bytes_total:
            return 0
        return int(100 * self.bytes_done / self.bytes_total)

    @property
    def upload_name(self) -> str:
        """Where the uploaded bundle waits, relative to SLIDES["INCOMING_DIR"] (private; with
        object storage, under the bucket's incoming/ prefix as slide originals are)."""
        return f"bundle-{self.uuid}/bundle.tar"
