"""Specimen descriptions a PACS sent wait for the reviewing educator (slides/views.py review,
services.approve_slide): only an educator at the review gate sees them; kept text becomes the
slide's description, every other one is deleted from the database at review (approval without
a choice, rejection) or when the build fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from slides import services
from slides.models import PendingSpecimenText, Slide

from .dicomweb.test_pull import database_text

STAIN = "SPECIMEN-TEXT-5e1d haematoxylin and eosin"
NAMED = "SPECIMEN-TEXT-9c2a biopsy of Jane Doe"


@pytest.fixture
def pending(slide_files, make_processed_slide):
    slide = make_processed_slide("svs", files=slide_files)
    texts = [PendingSpecimenText.objects.create(slide=slide, text=text) for text in (STAIN, NAMED)]
    return slide, texts


def review(client, slide, **data):
    return client.post(reverse("slides:review", args=[slide.uuid]), data)


def test_only_an_educator_at_the_review_gate_sees_them(
    request, client, educator, pending, django_capture_on_commit_callbacks
):
    slide, _ = pending
    client.force_login(educator)
    page = client.get(reverse("slides:detail", args=[slide.uuid])).content.decode()
    start = page.index(f'action="{reverse("slides:review", args=[slide.uuid])}"')
    form = page[start : page.index("</form>", start)]
    assert STAIN in form and NAMED in form
    assert page.count(STAIN) == 1  # in the form, nowhere else on the page
    for persona in ("trainee", "examiner", "outsider"):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse("slides:detail", args=[slide.uuid]))
        assert response.status_code == 404
        assert STAIN.encode() not in response.content
    client.force_login(educator)
    api = client.get(reverse("api-slide-detail", args=[slide.uuid])).content.decode()
    assert STAIN not in api and NAMED not in api


def test_kept_text_becomes_the_description_and_the_rest_is_deleted(
    client, educator, pending, django_capture_on_commit_callbacks
):
    slide, (stain, _named) = pending
    client.force_login(educator)
    with django_capture_on_commit_callbacks(execute=True):
        review(client, slide, decision="approve", keep_texts=[stain.pk])
    slide.refresh_from_db()
    assert slide.status == Slide.Status.READY
    assert slide.description == STAIN
    assert not PendingSpecimenText.objects.exists()
    text = database_text()
    assert NAMED not in text  # discarded: no row anywhere holds it
    page = client.get(reverse("slides:detail", args=[slide.uuid])).content.decode()
    assert NAMED not in page and STAIN in page


def test_an_approval_that_keeps_nothing_deletes_every_text(client, educator, pending):
    slide, _ = pending
    client.force_login(educator)
    review(client, slide, decision="approve")
    slide.refresh_from_db()
    assert (slide.status, slide.description) == (Slide.Status.READY, "")
    text = database_text()
    assert "SPECIMEN-TEXT" not in text


def test_a_rejection_deletes_them_even_if_ticked(
    client, educator, pending, django_capture_on_commit_callbacks
):
    slide, (stain, _) = pending
    client.force_login(educator)
    with django_capture_on_commit_callbacks(execute=True):
        review(
            client, slide, decision="reject", note="A label in the tissue", keep_texts=[stain.pk]
        )
    slide.refresh_from_db()
    assert (slide.status, slide.description) == (Slide.Status.REJECTED, "")
    assert "SPECIMEN-TEXT" not in database_text()


def test_a_text_of_another_slide_cannot_be_kept(
    client, educator, pending, slide_files, make_processed_slide
):
    slide, _ = pending
    other = make_processed_slide("svs", files=slide_files, title="Other")
    foreign = PendingSpecimenText.objects.create(slide=other, text="SPECIMEN-TEXT other slide")
    client.force_login(educator)
    review(client, slide, decision="approve", keep_texts=[foreign.pk])
    slide.refresh_from_db()
    assert slide.status == Slide.Status.AWAITING_REVIEW  # the form refused the choice
    assert PendingSpecimenText.objects.filter(pk=foreign.pk).exists()


def test_a_failed_build_deletes_them(pending):
    slide, _ = pending
    Slide.objects.filter(pk=slide.pk).update(status=Slide.Status.PROCESSING)
    services.fail_slide(slide=slide, reason="The scan could not be read.")
    assert not PendingSpecimenText.objects.exists()
