from __future__ import annotations

import pytest
import requests
from django.urls import reverse
from lti_tool.models import LtiUser

from courses import services as course_services
from courses.assessment import authoring
from courses.lti.models import ContextCourse
from courses.models import Enrolment
from tests.lti_platform import INSTRUCTOR, LTI, Person, form_fields

from .conftest import launch_through

pytestmark = pytest.mark.django_db(transaction=True)
DEEP_LINK = {"message_type": "LtiDeepLinkingRequest"}


@pytest.fixture
def teacher(registration, educator):
    """The LMS instructor, linked by an admin to the educator's portal account."""
    LtiUser.objects.create(registration=registration, sub="teacher-1", auth_user=educator)
    return Person("teacher-1", roles=[INSTRUCTOR])


@pytest.fixture
def case(lti_course):
    module = course_services.add_module(course=lti_course, title="Glomeruli")
    return course_services.add_case(module=module, title="Crescentic GN")


@pytest.mark.parametrize("kind", ["course", "case", "quiz"])
def test_an_instructor_places_an_item_and_a_launch_of_the_link_lands_on_it(
    client, live_server, platform, registration, teacher, lti_course, case, kind
):
    platform.tool_jwks_url = live_server.url + reverse("lti:jwks")
    quiz = authoring.create_quiz(course=lti_course, title="Renal quiz", published=True)
    item = {"course": lti_course, "case": case, "quiz": quiz}[kind]

    response, _ = launch_through(client, platform, teacher, **DEEP_LINK)
    assert response["Location"] == reverse("lti:deep-link")
    picker = client.get(reverse("lti:deep-link")).content.decode()
    assert all(title in picker for title in ("Renal pathology", "Crescentic GN", "Renal quiz"))

    answer = client.post(reverse("lti:deep-link-place"), {"kind": kind, "uuid": str(item.uuid)})
    assert answer.status_code == 200
    action, fields = form_fields(answer.content.decode(), holding="JWT")
    assert action == f"{platform.url}/deep_link_return"
    placed = requests.post(action, data=fields, timeout=10)
    assert placed.status_code == 200, platform.received.refused

    message = platform.received.deep_links[0]  # verified against the tool's JWKS
    assert message[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert message["iss"] == platform.client_id
    assert message[LTI + "deployment_id"] == platform.deployment_id
    assert message["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    (link,) = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert link["type"] == "ltiResourceLink" and link["title"] == item.title
    assert link["custom"] == {kind: str(item.uuid)}
    assert ContextCourse.objects.get().course == lti_course
    # The placement is used once: a second post needs a new request from the LMS.
    assert (
        client.post(
            reverse("lti:deep-link-place"), {"kind": kind, "uuid": str(item.uuid)}
        ).status_code
        == 404
    )

    client.logout()
    response, _ = launch_through(
        client, platform, Person("learner-1"), target_link_uri=link["url"], custom=link["custom"]
    )
    expected = {
        "course": reverse("courses:detail", args=[lti_course.uuid]),
        "case": reverse("courses:case", args=[case.uuid]),
        "quiz": reverse("courses:quiz", args=[quiz.uuid]),
    }[kind]
    assert response["Location"] == expected
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    assert Enrolment.objects.get(user=learner, course=lti_course).role == "trainee"
    assert client.get(expected).status_code == 200


def test_a_learner_cannot_place_content(client, platform, registration, lti_course):
    response, _ = launch_through(client, platform, Person("learner-1"), **DEEP_LINK)
    assert response.status_code == 403
    assert client.get(reverse("lti:deep-link")).status_code == 404


def test_an_instructor_cannot_place_another_educator_s_course(
    client, platform, registration, teacher, other_educator
):
    other = course_services.create_course(owner=other_educator, title="Not yours")
    response, _ = launch_through(client, platform, teacher, **DEEP_LINK)
    assert response.status_code == 302, response.content.decode()[-1500:]
    answer = client.post(
        reverse("lti:deep-link-place"), {"kind": "course", "uuid": str(other.uuid)}
    )
    assert answer.status_code == 404
    assert not ContextCourse.objects.exists()
    bad = client.post(reverse("lti:deep-link-place"), {"kind": "slide", "uuid": "x"})
    assert bad.status_code == 400
