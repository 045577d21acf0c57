from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Curriculum


def _upload(client, content: bytes, title="Histopathology"):
    return client.post(
        reverse("courses:curricula"),
        {"title": title, "version": "2026", "file": SimpleUploadedFile("c.csv", content)},
    )


def test_an_educator_imports_a_curriculum(client, educator):
    client.force_login(educator)
    response = _upload(client, b"code,parent_code,title\nA,,Top\nA.1,A,Child\n")
    assert response.status_code == 302
    assert Curriculum.objects.get().outcomes.count() == 2
    assert "Histopathology (2026)" in client.get(reverse("courses:curricula")).content.decode()


def test_a_bad_file_shows_its_line_numbers_and_imports_nothing(client, educator):
    client.force_login(educator)
    response = _upload(client, b"code,parent_code,title\nA,,Top\nB,Q,Orphan\n")
    assert response.status_code == 200
    assert "Line 3: the parent" in response.content.decode()
    assert not Curriculum.objects.exists()


def test_trainees_cannot_reach_the_page(client, trainee):
    client.force_login(trainee)
    assert client.get(reverse("courses:curricula")).status_code == 404
