"""In headless Chromium: the LMS sends a new learner to the tool's login URL; the tool sends the
browser to the platform's auth endpoint, whose page posts the signed id_token back; the learner
lands on the course page, signed in and enrolled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lti_tool.models import LtiContext

from courses.lti.models import ContextCourse
from courses.models import Enrolment
from tests.lti_platform import Person

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_trainee_launched_from_the_lms_lands_on_the_course_enrolled(
    browser_page, live_server, platform, registration, lti_course
):
    # Platform and tool on one host name, as the tool's cookies (state, session) are
    # SameSite=Lax over plain HTTP; in production both are HTTPS and the state cookie is
    # SameSite=None; Secure (README, "LTI 1.3").
    tool = live_server.url.replace("localhost", "127.0.0.1")
    context = LtiContext.objects.create(
        deployment=registration.deployments.get(), id_on_platform=platform.context_id
    )
    ContextCourse.objects.create(context=context, course=lti_course)
    person = Person("new-learner-7", given_name="Grace", family_name="Okafor")

    page = browser_page
    page.goto(platform.login_url(tool + reverse("lti:login"), person, tool + reverse("lti:launch")))
    page.wait_for_url(f"**/courses/{lti_course.uuid}/")

    assert page.locator("h1").first.inner_text().strip() == lti_course.title
    user = registration.users.get(sub="new-learner-7").auth_user
    assert (user.first_name, user.last_name) == ("Grace", "Okafor")
    assert Enrolment.objects.get(user=user, course=lti_course).role == "trainee"
    # Signed in as that person: the course list shows the course to them.
    page.goto(tool + reverse("courses:list"))
    assert lti_course.title in page.content()
