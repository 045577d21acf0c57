from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from lti_tool.models import LtiUser

from courses import services as course_services
from courses.lti.models import ContextCourse, LtiEnrolment
from courses.lti.views import UNLINKED_KEY
from courses.models import Enrolment, EnrolmentRole
from tests.lti_platform import GRADER, INSTRUCTOR, Person, new_rsa_key

from .conftest import launch_through

pytestmark = pytest.mark.django_db
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def _link(registration, platform, course):
    """The LMS course linked to the portal course, as an educator's first launch leaves it."""
    from lti_tool.models import LtiContext

    context = LtiContext.objects.create(
        deployment=registration.deployments.get(), id_on_platform=platform.context_id
    )
    ContextCourse.objects.create(context=context, course=course)


def test_a_first_launch_creates_the_trainee_enrols_them_and_lands_on_the_course(
    client, platform, registration, lti_course
):
    _link(registration, platform, lti_course)
    response, _ = launch_through(client, platform, Person("learner-1"))

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[lti_course.uuid])
    lti_user = LtiUser.objects.get(registration=registration, sub="learner-1")
    user = lti_user.auth_user
    assert user.role == "trainee" and not user.has_usable_password()
    enrolment = Enrolment.objects.get(user=user, course=lti_course)
    assert enrolment.role == EnrolmentRole.TRAINEE
    assert LtiEnrolment.objects.filter(enrolment=enrolment).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200 and lti_course.title in page.content.decode()


def test_a_second_launch_finds_the_same_account(client, platform, registration, lti_course):
    _link(registration, platform, lti_course)
    launch_through(client, platform, Person("learner-1"))
    client.logout()
    launch_through(client, platform, Person("learner-1"))
    assert LtiUser.objects.filter(sub="learner-1").count() == 1
    assert Enrolment.objects.filter(course=lti_course, role="trainee").count() == 1


@pytest.mark.parametrize(
    ("roles", "portal_role"),
    [([INSTRUCTOR], EnrolmentRole.EDUCATOR), ([INSTRUCTOR, GRADER], EnrolmentRole.EXAMINER)],
)
def test_lms_roles_map_to_portal_roles(
    client, platform, registration, lti_course, roles, portal_role
):
    _link(registration, platform, lti_course)
    response, _ = launch_through(client, platform, Person("staff-1", roles=roles))
    assert response.status_code == 302
    user = LtiUser.objects.get(sub="staff-1").auth_user
    assert Enrolment.objects.get(user=user, course=lti_course).role == portal_role
    # The LMS grants rights in the linked course only, never the portal-wide educator role.
    assert user.role == "trainee" and not user.is_educator


def test_an_lms_instructor_manages_the_linked_course_and_nothing_portal_wide(
    client, platform, registration, lti_course, educator
):
    other = course_services.create_course(owner=educator, title="Someone else's course")
    _link(registration, platform, lti_course)
    launch_through(client, platform, Person("staff-1", roles=[INSTRUCTOR]))

    assert client.get(reverse("courses:people", args=[lti_course.uuid])).status_code == 200
    assert client.get(reverse("courses:people", args=[other.uuid])).status_code == 404
    for portal_wide in (
        "slides:library",
        "slides:upload",
        "courses:create",
        "courses:bundle-import",
    ):
        assert client.get(reverse(portal_wide)).status_code in (403, 404), portal_wide


def test_a_launch_never_changes_an_existing_account_s_role(
    client, platform, registration, lti_course, trainee, educator
):
    _link(registration, platform, lti_course)
    LtiUser.objects.create(registration=registration, sub="t-1", auth_user=trainee)
    LtiUser.objects.create(registration=registration, sub="e-1", auth_user=educator)
    launch_through(client, platform, Person("t-1", roles=[INSTRUCTOR]))
    client.logout()
    launch_through(client, platform, Person("e-1"))
    trainee.refresh_from_db()
    educator.refresh_from_db()
    assert (trainee.role, educator.role) == ("trainee", "educator")


def test_an_educator_the_lms_lists_as_a_learner_cannot_link_a_course_by_clicking_a_link(
    client, platform, registration, lti_course, educator
):
    """Mallory, an LMS instructor, enrols a real educator of the course as a student of her LMS
    course and adds a link naming their course; the educator's click must not link it (else
    Mallory's next launch would make her an educator of their course)."""
    LtiUser.objects.create(registration=registration, sub="victim", auth_user=educator)
    response, _ = launch_through(
        client, platform, Person("victim"), custom={"course": str(lti_course.uuid)}
    )
    assert response.status_code == 404
    assert UNLINKED_KEY not in client.session  # nor may they link from the page afterwards
    assert client.post(reverse("lti:link-context", args=[lti_course.uuid])).status_code == 400
    client.logout()

    response, _ = launch_through(
        client,
        platform,
        Person("mallory", roles=[INSTRUCTOR]),
        custom={"course": str(lti_course.uuid)},
    )
    assert response.status_code == 404
    assert not ContextCourse.objects.exists()
    assert not Enrolment.objects.filter(course=lti_course, user__lti_users__sub="mallory").exists()


def test_an_instructor_launch_naming_their_course_does_not_link_it_implicitly(
    client, platform, registration, lti_course, educator
):
    LtiUser.objects.create(registration=registration, sub="staff-1", auth_user=educator)
    response, _ = launch_through(
        client,
        platform,
        Person("staff-1", roles=[INSTRUCTOR]),
        custom={"course": str(lti_course.uuid)},
    )
    assert response.status_code == 404  # the page offers the explicit link instead
    assert reverse("lti:link-context", args=[lti_course.uuid]) in response.content.decode()
    assert not ContextCourse.objects.exists()


def test_a_trainee_cannot_link_an_lms_course_to_any_portal_course(
    client, platform, registration, lti_course
):
    response, _ = launch_through(
        client, platform, Person("learner-1"), custom={"course": str(lti_course.uuid)}
    )
    assert response.status_code == 404
    assert not ContextCourse.objects.exists()
    assert not Enrolment.objects.filter(course=lti_course, role="trainee").exists()


def test_an_existing_account_in_a_role_the_portal_does_not_admit_is_refused(
    client, platform, registration, lti_course, educator, warnings_logged
):
    _link(registration, platform, lti_course)
    LtiUser.objects.create(registration=registration, sub="mentor-1", auth_user=educator)
    response, _ = launch_through(client, platform, Person("mentor-1", roles=[MENTOR]))
    _refused(response, warnings_logged, "no portal role for LMS roles")
    assert "no place in the portal" in response.content.decode()


def _refused(response, caplog, reason: str):
    assert response.status_code == 403
    assert "_auth_user_id" not in response.wsgi_request.session
    assert any(reason in record.getMessage() for record in caplog.records), [
        record.getMessage() for record in caplog.records
    ]


@pytest.fixture
def warnings_logged(caplog):
    caplog.set_level(logging.WARNING, logger="courses.lti")
    return caplog


def test_a_token_signed_with_another_key_is_refused(
    client, platform, registration, warnings_logged
):
    response, _ = launch_through(client, platform, Person("x"), signing_key=new_rsa_key())
    _refused(response, warnings_logged, "Signature verification failed")
    assert not LtiUser.objects.exists()


def test_a_token_for_another_audience_is_refused(client, platform, registration, warnings_logged):
    response, _ = launch_through(client, platform, Person("x"), aud="some-other-tool")
    _refused(response, warnings_logged, "issuer and audience")
    assert not LtiUser.objects.exists()


def test_an_expired_token_is_refused(client, platform, registration, warnings_logged):
    response, _ = launch_through(client, platform, Person("x"), lifetime=-60)
    _refused(response, warnings_logged, "expired")


def test_an_unknown_deployment_is_refused(client, platform, registration, warnings_logged):
    response, _ = launch_through(client, platform, Person("x"), deployment_id="stranger")
    _refused(response, warnings_logged, "Unable to find deployment")
    assert registration.deployments.count() == 1  # nothing created for the stranger


def test_a_replayed_launch_is_refused(client, platform, registration, lti_course, warnings_logged):
    _link(registration, platform, lti_course)
    first, (action, fields) = launch_through(client, platform, Person("learner-1"))
    assert first.status_code == 302
    client.logout()
    replay = client.post(action, fields)
    _refused(replay, warnings_logged, "nonce was already used")


def test_a_launch_without_the_login_s_state_is_refused(
    client, platform, registration, warnings_logged
):
    _, (action, fields) = launch_through(client, platform, Person("x"))
    client.cookies.clear()
    response = client.post(action, {**fields, "state": "state-forged"})
    _refused(response, warnings_logged, "State not found")


def test_a_login_from_an_unregistered_issuer_is_refused(client, registration, warnings_logged):
    response = client.get(
        reverse("lti:login"),
        {
            "iss": "https://evil.example",
            "login_hint": "1",
            "target_link_uri": "http://testserver/lti/launch/",
        },
    )
    assert response.status_code == 403


def test_an_educator_links_an_unlinked_lms_course_from_the_launch_page(
    client, platform, registration, lti_course, educator
):
    from lti_tool.models import LtiUser as PlatformUser

    PlatformUser.objects.create(registration=registration, sub="staff-1", auth_user=educator)
    response, _ = launch_through(client, platform, Person("staff-1", roles=[INSTRUCTOR]))
    assert response.status_code == 404
    link_url = reverse("lti:link-context", args=[lti_course.uuid])
    assert link_url in response.content.decode()

    linked = client.post(link_url)
    assert linked["Location"] == reverse("courses:detail", args=[lti_course.uuid])
    assert ContextCourse.objects.get().linked_by == educator
    assert client.post(link_url).status_code == 400  # used once

    client.logout()
    response, _ = launch_through(client, platform, Person("learner-1"))
    assert response["Location"] == reverse("courses:detail", args=[lti_course.uuid])
