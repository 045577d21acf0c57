"""The live preview beside Markdown textareas: educators only, CSRF, size-limited, sanitised."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from courses.markdown_text import MAX_SOURCE_CHARS

URL = reverse("courses:markdown-preview")


def test_an_educator_sees_the_markdown_as_the_page_will_show_it(client, educator):
    client.force_login(educator)
    response = client.post(URL, {"text": "**bold**<img src=x onerror=alert(1)>"})
    assert response.status_code == 200
    assert response.content.decode() == "<p><strong>bold</strong></p>"


def test_an_empty_text_says_there_is_nothing_yet(client, educator):
    client.force_login(educator)
    assert b"Nothing to preview yet." in client.post(URL, {"text": ""}).content


def test_a_trainee_is_answered_as_if_there_were_no_such_page(client, trainee):
    client.force_login(trainee)
    assert client.post(URL, {"text": "x"}).status_code == 404


def test_the_anonymous_are_sent_to_log_in(client):
    response = client.post(URL, {"text": "x"})
    assert response.status_code == 302 and "login/?next=" in response["Location"]


def test_a_text_over_the_limit_is_refused(client, educator):
    client.force_login(educator)
    response = client.post(URL, {"text": "a" * (MAX_SOURCE_CHARS + 1)})
    assert response.status_code == 400
    assert b"Too long to preview" in response.content


def test_it_needs_the_csrf_token(educator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(educator)
    assert client.post(URL, {"text": "x"}).status_code == 403


def test_the_case_form_offers_the_preview_beside_each_markdown_field(client, educator, case):
    client.force_login(educator)
    html = client.get(reverse("courses:case-edit", args=[case.uuid])).content.decode()
    assert html.count("data-markdown") == 3
    assert f'data-preview-url="{URL}"' in html
    assert "courses/markdown-preview.js" in html
