"""DICOMweb sources in the Django admin: the secret is write-only there too."""

from __future__ import annotations

from django.urls import reverse

from slides.models import DicomwebSource


def test_the_admin_never_shows_a_sources_secret(client, admin_user):
    source = DicomwebSource.objects.create(
        name="PACS",
        url="https://pacs.example.org/dicom-web",
        auth=DicomwebSource.Auth.BEARER,
        secret="bearer-token-abc123",
    )
    client.force_login(admin_user)
    for url in (
        reverse("admin:slides_dicomwebsource_changelist"),
        reverse("admin:slides_dicomwebsource_change", args=[source.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert b"bearer-token-abc123" not in response.content
