"""The two pages an LMS launch can show, which the page-state table cannot reach by URL (they
need the signed launch in the session): the deep-linking picker and the page where an educator
links an unlinked LMS course. Reached in Chromium through the simulator; axe finds nothing at
WCAG 2.2 AA on either."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lti_tool.models import LtiUser

from tests.accessibility.axe import axe_violations
from tests.lti_platform import INSTRUCTOR, Person

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def teacher(registration, educator, lti_course):
    LtiUser.objects.create(registration=registration, sub="teacher-1", auth_user=educator)
    return Person("teacher-1", roles=[INSTRUCTOR])


def _launch(page, live_server, platform, person, **launch):
    tool = live_server.url.replace("localhost", "127.0.0.1")  # one host for the Lax cookies
    page.goto(
        platform.login_url(
            tool + reverse("lti:login"), person, tool + reverse("lti:launch"), **launch
        )
    )


def test_the_deep_linking_picker_has_no_wcag_violations(
    browser_page, live_server, platform, teacher, lti_course
):
    _launch(browser_page, live_server, platform, teacher, message_type="LtiDeepLinkingRequest")
    browser_page.wait_for_url("**" + reverse("lti:deep-link"))
    assert lti_course.title in browser_page.content()
    assert axe_violations(browser_page) == []


def test_the_page_linking_an_lms_course_has_no_wcag_violations(
    browser_page, live_server, platform, teacher, lti_course
):
    _launch(browser_page, live_server, platform, teacher)
    browser_page.wait_for_selector(f"form[action$='{lti_course.uuid}/link/']")
    assert axe_violations(browser_page) == []
