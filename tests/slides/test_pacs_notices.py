"""A series a PACS sends is announced to the source's educators by email and on their home
page, until someone reviews it (slides/pacs_notices.py)."""

from __future__ import annotations

import pytest
from django.core import mail

from slides import pacs_notices
from slides.models import DicomwebImport, DicomwebSource, Slide

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(educator, other_educator):
    source = DicomwebSource.objects.create(name="Hospital PACS", url="https://pacs.example/dw")
    educator.email = "educator@example.org"
    educator.save()
    source.notify.add(educator, other_educator)  # the other has no address
    slide = Slide.objects.create(title="Sent by Hospital PACS on 30 Nov 2026", status="processing")
    return DicomwebImport.objects.create(
        source=source, kind="push", status="done", title=slide.title, slide=slide
    )


def test_the_sources_educators_with_an_address_get_an_email(pushed):
    assert pacs_notices.tell_arrival(pushed.pk) == 1
    (message,) = mail.outbox
    assert message.to == ["educator@example.org"]
    assert message.subject == "A slide from Hospital PACS waits for review"
    assert f"/slides/{pushed.slide.uuid}/" in message.body and pushed.slide.title in message.body


def test_a_pull_or_an_import_without_a_slide_tells_nobody(pushed):
    DicomwebImport.objects.filter(pk=pushed.pk).update(kind="pull")
    assert pacs_notices.tell_arrival(pushed.pk) == 0
    assert pacs_notices.tell_arrival(999999) == 0
    assert mail.outbox == []


def test_a_mail_server_that_fails_does_not_fail_the_import(pushed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert pacs_notices.tell_arrival(pushed.pk) == 0


def test_home_lists_what_waits_until_it_is_reviewed(client, pushed, educator, trainee):
    client.force_login(educator)
    body = client.get("/").content.decode()
    assert "Sent from a PACS" in body and pushed.slide.title in body and "being prepared" in body
    Slide.objects.filter(pk=pushed.slide_id).update(status="awaiting_review")
    assert "awaiting your review" in client.get("/").content.decode()
    Slide.objects.filter(pk=pushed.slide_id).update(status="ready")
    assert "Sent from a PACS" not in client.get("/").content.decode()
    client.force_login(trainee)
    assert "Sent from a PACS" not in client.get("/").content.decode()


def test_only_educators_can_be_chosen_to_be_told(educator, trainee, examiner):
    from slides.pacs_forms import DicomwebSourceForm

    choices = set(DicomwebSourceForm().fields["notify"].queryset)
    assert educator in choices and trainee not in choices and examiner not in choices
