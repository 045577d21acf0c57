"""DICOMweb source secrets are encrypted at rest (slides/sealed_fields.py): the database row
never holds the password or token, the portal still authenticates with it against a real
Orthanc, a rotated secret key keeps old rows readable, and the data migration seals rows
stored in clear before."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from slides import dicomweb
from slides.models import DicomwebSource
from slides.sealed_fields import PREFIX

SECRET = "hospital-pacs-password-8d31"


def stored_secret(source: DicomwebSource) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM slides_dicomwebsource WHERE id = %s", [source.pk])
        return cursor.fetchone()[0]


def make_source(**fields) -> DicomwebSource:
    defaults = {"name": "PACS", "url": "https://pacs.example/dw", "auth": "basic", "username": "u"}
    return DicomwebSource.objects.create(**(defaults | fields))


@pytest.mark.django_db
def test_the_row_holds_ciphertext_and_the_model_the_plain_secret():
    source = make_source(secret=SECRET)
    raw = stored_secret(source)
    assert raw.startswith(PREFIX) and SECRET not in raw
    assert DicomwebSource.objects.get(pk=source.pk).secret == SECRET
    other = make_source(name="Other", secret=SECRET)
    assert stored_secret(other) != raw  # no two rows alike: nothing to compare


@pytest.mark.django_db
def test_an_empty_secret_stays_empty():
    source = make_source(auth="none", username="", secret="")
    assert stored_secret(source) == ""
    assert DicomwebSource.objects.get(pk=source.pk).secret == ""


@pytest.mark.django_db
def test_a_rotated_secret_key_still_reads_old_rows_and_seals_again_with_the_new(settings):
    source = make_source(secret=SECRET)
    old_key, sealed_before = settings.SECRET_KEY, stored_secret(source)
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    reread = DicomwebSource.objects.get(pk=source.pk)
    assert reread.secret == SECRET
    reread.save()
    settings.SECRET_KEY_FALLBACKS = []  # the old key is gone: the row was sealed again
    assert stored_secret(source) != sealed_before
    assert DicomwebSource.objects.get(pk=source.pk).secret == SECRET


@pytest.mark.django_db
def test_a_row_no_key_opens_reads_as_no_secret(settings):
    source = make_source(secret=SECRET)
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = []
    assert DicomwebSource.objects.get(pk=source.pk).secret == ""


@pytest.mark.django_db
def test_the_migration_seals_secrets_stored_in_clear():
    source = make_source(secret="placeholder")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE slides_dicomwebsource SET secret = %s WHERE id = %s", [SECRET, source.pk]
        )
    migration = importlib.import_module("slides.migrations.0011_seal_existing_dicomweb_secrets")
    migration.seal_existing(apps, None)
    raw = stored_secret(source)
    assert raw.startswith(PREFIX) and SECRET not in raw
    assert DicomwebSource.objects.get(pk=source.pk).secret == SECRET


@pytest.mark.django_db
def test_a_source_read_back_from_the_database_still_authenticates_with_orthanc(orthanc):
    source = make_source(url=orthanc.dicomweb_url, username=orthanc.auth[0], secret=orthanc.auth[1])
    assert orthanc.auth[1] not in stored_secret(source)
    source = DicomwebSource.objects.get(pk=source.pk)
    assert isinstance(dicomweb.search_studies(source), list)  # answered, not refused
    source.secret = "wrong"
    source.save()
    with pytest.raises(dicomweb.PacsError):
        dicomweb.search_studies(DicomwebSource.objects.get(pk=source.pk))
