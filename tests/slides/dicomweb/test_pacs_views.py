"""The PACS pages: an educator searches the test Orthanc (QIDO-RS), opens a study's series and
picks one to import; results are never stored or cached; a source's secret is never shown back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fixtures.pacs import CANARY
from slides.models import DicomwebImport, DicomwebSource
from tests.orthanc import free_port

from .conftest import series_uids
from .test_pull import database_text


@pytest.mark.slow
def test_an_educator_finds_a_series_and_queues_its_import(
    client, educator, orthanc_source, stored_series, django_capture_on_commit_callbacks
):
    client.force_login(educator)
    page = reverse("slides:pacs")
    response = client.get(page, {"source": orthanc_source.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    study_uid, series_uid = series_uids(stored_series)
    assert CANARY in response.content.decode()  # the educator sees the accession number…
    assert study_uid in response.content.decode()

    response = client.get(page, {"source": orthanc_source.pk, "study": study_uid})
    assert response.status_code == 200
    assert series_uid in response.content.decode()
    assert CANARY not in database_text()  # …and nothing of it was kept

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("slides:pacs-start-import"),
            {
                "source": orthanc_source.pk,
                "study_uid": study_uid,
                "series_uid": series_uid,
                "title": "Breast core, teaching",
            },
        )
    job = DicomwebImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("slides:pacs-import", args=[job.uuid])
    assert (job.status, job.series_uid, job.title) == (
        "queued",
        series_uid,
        "Breast core, teaching",
    )
    detail = client.get(response["Location"])
    assert b"Asking the PACS what the series holds" in detail.content


def test_a_pacs_that_is_down_is_reported_on_the_page(client, educator, db):
    source = DicomwebSource.objects.create(
        name="Closed PACS", url=f"http://127.0.0.1:{free_port()}/dicom-web"
    )
    client.force_login(educator)
    response = client.get(reverse("slides:pacs"), {"source": source.pk})
    assert response.status_code == 200
    assert b"Closed PACS cannot be reached." in response.content


def test_a_sources_secret_is_written_never_shown_back(client, educator, db):
    client.force_login(educator)
    response = client.post(
        reverse("slides:pacs-source-new"),
        {
            "name": "Hospital PACS",
            "url": "https://pacs.example.org/dicom-web",
            "auth": "basic",
            "username": "teaching",
            "secret": "s3cret-value-123",
        },
    )
    assert response.status_code == 302
    source = DicomwebSource.objects.get()
    assert source.secret == "s3cret-value-123"
    edit = reverse("slides:pacs-source-edit", args=[source.uuid])
    for url in (edit, reverse("slides:pacs-sources")):
        assert b"s3cret-value-123" not in client.get(url).content
    response = client.post(
        edit,
        {
            "name": "Hospital PACS",
            "url": "https://pacs.example.org/dicom-web",
            "auth": "basic",
            "username": "teaching",
            "secret": "",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.secret == "s3cret-value-123"  # left empty: kept


@pytest.mark.parametrize(
    "change",
    [{"url": "https://collector.example.net/dicom-web"}, {"username": "other"}, {"auth": "bearer"}],
)
def test_a_stored_secret_is_never_sent_to_a_new_address_or_sign_in(client, educator, db, change):
    source = DicomwebSource.objects.create(
        name="Hospital PACS", url="https://pacs.example.org/dicom-web", auth="basic",
        username="teaching", secret="s3cret-value-123",
    )  # fmt: skip
    client.force_login(educator)
    fields = {"name": "Hospital PACS", "url": source.url, "auth": "basic", "username": "teaching"}
    response = client.post(
        reverse("slides:pacs-source-edit", args=[source.uuid]), {**fields, **change, "secret": ""}
    )
    assert response.status_code == 400
    assert b"Enter the password or token again" in response.content
    source.refresh_from_db()
    assert (source.url, source.username, source.auth) == (
        "https://pacs.example.org/dicom-web", "teaching", "basic",
    )  # fmt: skip
    # Given again, the change is saved.
    response = client.post(
        reverse("slides:pacs-source-edit", args=[source.uuid]),
        {**fields, **change, "secret": "new-secret-456"},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.secret == "new-secret-456"


def test_basic_auth_without_a_secret_is_refused(client, educator, db):
    client.force_login(educator)
    response = client.post(
        reverse("slides:pacs-source-new"),
        {
            "name": "P",
            "url": "https://pacs.example.org/dicom-web",
            "auth": "basic",
            "username": "u",
        },
    )
    assert response.status_code == 400
    assert not DicomwebSource.objects.exists()


def test_a_push_token_is_shown_once_and_kept_only_as_a_hash(client, educator, db):
    from slides import dicomweb_push

    source = DicomwebSource.objects.create(name="PACS", url="https://pacs.example.org/dw")
    client.force_login(educator)
    response = client.post(reverse("slides:pacs-source-push-token", args=[source.uuid]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = response.context["token"]
    assert token.encode() in response.content
    source.refresh_from_db()
    assert token not in source.push_token_hash and len(source.push_token_hash) == 64
    assert dicomweb_push.source_for_token(source.uuid, token) == source
    edit = client.get(reverse("slides:pacs-source-edit", args=[source.uuid]))
    assert token.encode() not in edit.content
    again = client.post(reverse("slides:pacs-source-push-token", args=[source.uuid]))
    assert dicomweb_push.source_for_token(source.uuid, token) is None  # the old one stops
    assert dicomweb_push.source_for_token(source.uuid, again.context["token"]) == source


def test_the_import_page_warns_when_the_case_came_before(client, educator, db):
    source = DicomwebSource.objects.create(name="PACS", url="https://pacs.example.org/dw")
    first = DicomwebImport.objects.create(
        source=source, title="First time", status="done", accession_hash="ab" * 32
    )
    again = DicomwebImport.objects.create(
        source=source, title="Second time", status="fetching", accession_hash="ab" * 32
    )
    other = DicomwebImport.objects.create(
        source=source, title="Other case", status="fetching", accession_hash="cd" * 32
    )
    client.force_login(educator)
    page = client.get(reverse("slides:pacs-import", args=[again.uuid]))
    assert b"came from the PACS before" in page.content and first.title.encode() in page.content
    page = client.get(reverse("slides:pacs-import", args=[other.uuid]))
    assert b"came from the PACS before" not in page.content
