from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from lti_tool.models import LtiContext

from courses import services as course_services
from courses.lti import roster
from courses.lti.models import ContextCourse
from courses.models import Enrolment
from tests.lti_platform import INSTRUCTOR, Person

from .conftest import launch_through

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def linked(live_server, platform, registration, lti_course):
    platform.tool_jwks_url = live_server.url + reverse("lti:jwks")
    context = LtiContext.objects.create(
        deployment=registration.deployments.get(),
        id_on_platform=platform.context_id,
        memberships_url=f"{platform.url}/contexts/{platform.context_id}/memberships",
    )
    return ContextCourse.objects.create(context=context, course=lti_course)


def _enrolled(course) -> dict[str, str]:
    return {
        e.user.username
        if not e.user.username.startswith("lti-")
        else e.user.lti_users.get().sub: e.role
        for e in Enrolment.objects.filter(course=course).select_related("user")
    }


def test_a_roster_sync_adds_the_lms_members_and_removes_only_lms_made_enrolments(
    client, linked, platform, lti_course, educator, trainee
):
    course_services.enrol(
        course=lti_course, identifiers=[trainee.username], role="trainee", added_by=educator
    )
    launch_through(client, platform, Person("leaver"))  # enrolled by a launch, then leaves
    platform.roster = [
        Person("learner-a"),
        Person("learner-b"),
        Person("teacher-1", roles=[INSTRUCTOR]),
    ]

    report = roster.sync_context(linked.context_id)

    assert (report.added, report.removed) == (3, 1)
    assert _enrolled(lti_course) == {
        educator.username: "educator",
        trainee.username: "trainee",  # added by hand: the LMS never removes it
        "learner-a": "trainee",
        "learner-b": "trainee",
        "teacher-1": "educator",
    }
    teacher = linked.context.deployment.registration.users.get(sub="teacher-1").auth_user
    assert teacher.role == "trainee"  # educator of this course only, not portal-wide
    # Run again with one learner gone: only that enrolment goes.
    platform.roster = platform.roster[1:]
    call_command("sync_lti_rosters")
    assert "learner-a" not in _enrolled(lti_course)
    assert {"learner-b", "teacher-1", trainee.username} <= set(_enrolled(lti_course))


def test_an_lms_error_changes_no_enrolment(client, linked, platform, lti_course):
    launch_through(client, platform, Person("stayer"))
    platform.tool_jwks_url = platform.url + "/nowhere"  # the platform cannot check our token
    with pytest.raises(Exception):  # noqa: B017 - pylti1p3 raises its service exception
        roster.sync_context(linked.context_id)
    assert "stayer" in _enrolled(lti_course)


def test_the_educator_s_button_starts_a_sync_and_returns_to_the_people_page(
    client, linked, lti_course, educator
):
    client.force_login(educator)
    response = client.post(reverse("lti:roster-sync", args=[lti_course.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:people", args=[lti_course.uuid])


def test_the_nightly_sync_is_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["lti-roster-sync"]
    assert schedule["task"] == "courses.lti.tasks.sync_all_rosters"
