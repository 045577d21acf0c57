"""The slide REST API: same rules as the pages, documented in the OpenAPI schema."""

from __future__ import annotations

import pytest

from slides.models import Slide


def test_educators_list_slides_with_progress_and_links(
    client, educator, slide_files, make_processed_slide
):
    slide = make_processed_slide("svs", files=slide_files)
    client.force_login(educator)
    body = client.get("/api/slides/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["uuid"] == str(slide.uuid)
    assert item["tiles_done"] == item["tiles_total"] > 0
    assert item["links"]["dzi"].endswith(".dzi")
    assert client.get(item["links"]["dzi"]).status_code == 200


@pytest.mark.parametrize("persona", ["trainee", "examiner"])
def test_other_roles_see_nothing(request, client, persona, slide_files, make_processed_slide):
    slide = make_processed_slide("svs", files=slide_files)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/api/slides/").status_code == 404
    assert client.get(f"/api/slides/{slide.uuid}/").status_code == 404
    response = client.post(f"/api/slides/{slide.uuid}/review/", {"decision": "approve"})
    assert response.status_code == 404


def test_anonymous_requests_are_refused_with_a_challenge(client, db):
    response = client.get("/api/slides/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_upload_through_the_api(client, educator, slide_files):
    client.force_login(educator)
    with open(slide_files["svs"], "rb") as handle:
        response = client.post(
            "/api/slides/", {"file": handle, "title": "From the API", "tags": "a, b"}
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "uploaded"
    assert response.json()["tags"] == ["a", "b"]
    assert Slide.objects.get().title == "From the API"


def test_trainees_cannot_upload(client, trainee, slide_files):
    client.force_login(trainee)
    with open(slide_files["svs"], "rb") as handle:
        response = client.post("/api/slides/", {"file": handle, "title": "No"})
    assert response.status_code == 404
    assert not Slide.objects.exists()


def test_review_through_the_api(client, educator, slide_files, make_processed_slide):
    slide = make_processed_slide("svs", files=slide_files)
    client.force_login(educator)
    rejected = client.post(
        f"/api/slides/{slide.uuid}/review/", {"decision": "reject"}, content_type="application/json"
    )
    assert rejected.status_code == 400
    approved = client.post(
        f"/api/slides/{slide.uuid}/review/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "ready"
    again = client.post(
        f"/api/slides/{slide.uuid}/review/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert again.status_code == 400


@pytest.mark.parametrize("query", ["?status=bogus", "?page=notanumber", "?page=999"])
def test_bad_queries_are_4xx_not_500(client, educator, query):
    client.force_login(educator)
    assert client.get("/api/slides/" + query).status_code in (400, 404)


def test_the_schema_documents_every_slide_endpoint(client, educator):
    client.force_login(educator)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/slides/", "/api/slides/{slide_uuid}/", "/api/slides/{slide_uuid}/review/"} <= set(
        paths
    )


def test_the_docs_page_needs_no_cdn(client, educator):
    client.force_login(educator)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn." not in response.content and b"unpkg" not in response.content


def test_the_schema_generates_without_warnings():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "openapi: 3" in out.getvalue()
