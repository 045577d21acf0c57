"""What Django answers under /api/ when no DRF view does: JSON, like the rest of the API."""

from __future__ import annotations

import pytest

import courses.api


def test_a_path_id_that_is_not_a_uuid_answers_json_404(client, trainee):
    client.force_login(trainee)
    response = client.get("/api/courses/not-a-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_that_is_not_found_is_still_a_page(client, trainee):
    client.force_login(trainee)
    response = client.get("/courses/not-a-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def crashing_course_lookup(monkeypatch):
    def crash(user, course_uuid):
        raise RuntimeError("a bug")

    monkeypatch.setattr(courses.api.access, "get_course_for_user", crash)


def test_a_crash_in_the_api_answers_json_500(client, trainee, crashing_course_lookup):
    client.raise_request_exception = False
    client.force_login(trainee)
    response = client.get("/api/courses/5b0c2f7e-8f55-4a53-9d6c-1f0e4f3b9a10/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on the server."}


def test_a_crash_on_a_page_answers_the_html_500(client, trainee, monkeypatch):
    import courses.views.courses as course_views

    monkeypatch.setattr(course_views, "render", lambda *args, **kwargs: 1 / 0)
    client.raise_request_exception = False
    client.force_login(trainee)
    response = client.get("/courses/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
