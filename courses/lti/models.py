"""What joins the LMS (django-lti's contexts and users) to the portal's courses and enrolments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from lti_tool.models import LtiContext


class ContextCourse(models.Model):
    """The portal course an LMS course (context) teaches with. One course per context."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="portal")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.context} -> {self.course}"


class LtiEnrolment(models.Model):
    """Marks an enrolment made by a launch or a roster sync, so a sync may remove it again;
    enrolments an educator made by hand are never touched by the LMS."""

    enrolment = models.OneToOneField(
        "courses.Enrolment", on_delete=models.CASCADE, related_name="lti"
    )
    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.enrolment} (from the LMS)"


class ScorePost(models.Model):
    """One attempt's score as sent to one LMS line item. The row is written before the POST and
    marked posted after it, so a task run twice (or retried) never sends a score twice."""

    attempt = models.ForeignKey("courses.Attempt", on_delete=models.CASCADE, related_name="+")
    line_item_url = models.URLField(max_length=500)
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    posted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "line_item_url"], name="one_score_post_per_attempt_line_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} -> {self.line_item_url}"


class QuizLineItem(models.Model):
    """The LMS line item (gradebook column) a quiz's scores go to, per LMS course."""

    quiz = models.ForeignKey("courses.Quiz", on_delete=models.CASCADE, related_name="+")
    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "context"], name="one_line_item_per_quiz")
        ]

    def __str__(self) -> str:
        return self.url
