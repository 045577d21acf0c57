"""CPD certificates: whether a trainee has completed a course, and issuing its certificate.

A course is complete for a trainee when they have marked every case of it completed (the same
CaseProgress the course page counts). The certificate is issued once per trainee and course and
keeps a snapshot of its facts (name as printed, course title, hours, outcomes covered)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .coverage import outcomes_covered_by
from .models import Case, CaseProgress, Certificate, Course


def has_completed(trainee, course: Course) -> bool:
    """True when the course has cases and the trainee completed every one of them."""
    total = Case.objects.filter(module__course=course).count()
    done = CaseProgress.objects.filter(
        user=trainee, case__module__course=course, completed_at__isnull=False
    ).count()
    return total > 0 and done == total


def certificate_of(trainee, course: Course) -> Certificate | None:
    return Certificate.objects.filter(trainee=trainee, course=course).first()


def issue_certificate(*, course: Course, trainee, now: datetime) -> Certificate:
    """The trainee's certificate for the course, issued now if they have none yet.

    Raises ValidationError when the course is not complete. Safe to call twice, also at once:
    the second call returns the first certificate."""
    existing = certificate_of(trainee, course)
    if existing is not None:
        return existing
    if not has_completed(trainee, course):
        raise ValidationError("Complete every case of the course first.")
    certificate = Certificate(
        course=course,
        trainee=trainee,
        name=trainee.display_name,
        course_title=course.title,
        hours=course.cpd_hours,
        outcomes=[
            {"code": outcome.code, "title": outcome.title}
            for outcome in outcomes_covered_by(course, trainee)
        ],
        issued_at=now,
    )
    certificate.full_clean()
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:  # a concurrent request issued it first
        return Certificate.objects.get(trainee=trainee, course=course)
    return certificate
