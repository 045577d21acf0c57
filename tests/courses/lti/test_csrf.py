from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, reverse


def test_only_the_two_routes_the_platform_posts_skip_the_csrf_check():
    exempt = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "lti":
            continue
        for route in pattern.url_patterns:
            if getattr(route.callback, "csrf_exempt", False):
                exempt.add(route.name)
    assert exempt == {"login", "launch"}


@pytest.mark.django_db
def test_the_deep_link_picker_keeps_the_csrf_check(educator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(educator)
    response = client.post(reverse("lti:deep-link-place"), {"kind": "course", "uuid": "x"})
    assert response.status_code == 403
