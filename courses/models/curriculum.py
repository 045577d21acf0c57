"""Curricula (trees of learning outcomes) and the CPD certificates a completed course gives.

Cases and questions are tagged with outcomes (`Case.outcomes`, `Question.outcomes`); a course
may follow one curriculum (`Course.curriculum`). A certificate keeps a snapshot of what it
certified, so later edits to the course or curriculum never change an issued certificate.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def new_certificate_code() -> str:
    # 96 random bits: the public verification page cannot be found by guessing.
    return secrets.token_urlsafe(12)


class Curriculum(models.Model):
    title = models.CharField(max_length=200)
    version = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "version"]
        constraints = [
            models.UniqueConstraint(fields=["title", "version"], name="one_curriculum_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})" if self.version else self.title


class Outcome(models.Model):
    """One node of a curriculum's tree: a heading or a learning outcome under it."""

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="outcomes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["curriculum", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "code"], name="outcome_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Certificate(models.Model):
    """A CPD certificate for completing a course; anyone with the code can verify it."""

    # SET_NULL: a certificate stays verifiable after its course is deleted (its facts are copied).
    course = models.ForeignKey(
        "courses.Course", null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(max_length=32, unique=True, default=new_certificate_code)
    # What the certificate says, as printed: never recomputed from the live course.
    name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    outcomes = models.JSONField(default=list, blank=True)  # [{"code": ..., "title": ...}, ...]
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "trainee"], name="one_certificate_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.course_title}: {self.name}"
