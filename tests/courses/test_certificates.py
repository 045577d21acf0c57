from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.certificates import issue_certificate
from courses.models import Certificate


@pytest.fixture
def completed(course, case, trainee, curriculum):
    course.cpd_hours = Decimal("2.5")
    course.save(update_fields=["cpd_hours"])
    case.outcomes.set([curriculum.outcomes.get(code="GI.1")])
    services.mark_completed(user=trainee, case=case)
    return course


def test_it_refuses_a_certificate_before_every_case_is_completed(course, case, trainee):
    services.record_opened(user=trainee, case=case)
    with pytest.raises(ValidationError):
        issue_certificate(course=course, trainee=trainee, now=timezone.now())
    assert not Certificate.objects.exists()


def test_it_snapshots_the_facts_once(completed, trainee):
    first = issue_certificate(course=completed, trainee=trainee, now=timezone.now())
    again = issue_certificate(course=completed, trainee=trainee, now=timezone.now())
    assert again.pk == first.pk and len(first.code) >= 16
    assert first.hours == Decimal("2.5") and first.course_title == completed.title
    assert first.outcomes == [{"code": "GI.1", "title": "Colorectal polyps"}]
    completed.title = "Renamed"
    completed.save(update_fields=["title"])
    first.refresh_from_db()
    assert first.course_title != "Renamed"


def test_a_trainee_downloads_the_pdf(client, completed, trainee):
    client.force_login(trainee)
    page = client.get(reverse("courses:detail", args=[completed.uuid])).content.decode()
    assert "Download your CPD certificate" in page
    response = client.post(reverse("courses:certificate-issue", args=[completed.uuid]))
    assert response.status_code == 302
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert Certificate.objects.get(trainee=trainee).code


def test_an_unfinished_trainee_is_told_why(client, course, trainee):
    client.force_login(trainee)
    response = client.post(reverse("courses:certificate-issue", args=[course.uuid]), follow=True)
    assert "Complete every case" in response.content.decode()
    assert client.get(reverse("courses:certificate-pdf", args=[course.uuid])).status_code == 404


def test_the_public_page_shows_only_the_certificates_facts(client, completed, trainee):
    trainee.first_name, trainee.last_name, trainee.email = "Ada", "Lovelace", "ada@example.org"
    trainee.save()
    certificate = issue_certificate(course=completed, trainee=trainee, now=timezone.now())
    response = client.get(reverse("courses:certificate-verify", args=[certificate.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in page and completed.title in page and "2.5" in page
    assert "GI.1 Colorectal polyps" in page and certificate.code in page
    assert "ada@example.org" not in page and trainee.username not in page
    assert "Case 1" not in page  # nothing about what they studied beyond the outcomes


def test_an_unknown_code_is_a_404(client, completed, trainee):
    certificate = issue_certificate(course=completed, trainee=trainee, now=timezone.now())
    assert (
        client.get(reverse("courses:certificate-verify", args=["x" + certificate.code])).status_code
        == 404
    )


def test_a_certificate_outlives_its_course(client, completed, trainee):
    certificate = issue_certificate(course=completed, trainee=trainee, now=timezone.now())
    completed.delete()
    response = client.get(reverse("courses:certificate-verify", args=[certificate.code]))
    assert response.status_code == 200


def test_the_public_page_takes_one_query(client, completed, trainee, django_assert_max_num_queries):
    certificate = issue_certificate(course=completed, trainee=trainee, now=timezone.now())
    with django_assert_max_num_queries(2):
        client.get(reverse("courses:certificate-verify", args=[certificate.code]))


def test_a_course_without_a_curriculum_still_certifies(course, case, trainee):
    services.mark_completed(user=trainee, case=case)
    certificate = issue_certificate(course=course, trainee=trainee, now=timezone.now())
    assert certificate.outcomes == [] and certificate.hours is None
