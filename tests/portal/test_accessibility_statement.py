"""The accessibility statement: public, in the UK public-sector form, with the deployment's own
contact address, and linked from the footer of every page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_anyone_can_read_it_with_the_configured_contact(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@pathology.example.nhs.uk"
    response = client.get("/accessibility/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="mailto:access@pathology.example.nhs.uk"' in page
    for heading in (
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website",
        "Compliance status",
        "Non-accessible content",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
        "Using the portal without a mouse",
    ):
        assert heading in page, heading
    assert "partially compliant" in page and "Freehand" in page
    assert "Equality Commission for Northern Ireland" in page


def test_the_contact_defaults_to_the_portals_own_address(client, settings):
    assert settings.ACCESSIBILITY_CONTACT_EMAIL == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/no-such-page/"])
def test_every_page_links_to_it_from_its_footer(client, trainee, path):
    if path != "/accounts/login/":
        client.force_login(trainee)
    page = client.get(path).content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/accessibility/"' in footer
