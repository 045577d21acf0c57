from __future__ import annotations

import pytest
import requests
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration

from courses import services as course_services
from tests.lti_platform import Person, Platform, form_fields


@pytest.fixture
def platform():
    with Platform() as running:
        yield running


@pytest.fixture
def registration(db, platform):
    registration = LtiRegistration.objects.create(name="Test LMS", **platform.registration_fields())
    LtiDeployment.objects.create(
        registration=registration, deployment_id=platform.deployment_id, is_active=True
    )
    return registration


@pytest.fixture
def lti_course(educator):
    course = course_services.create_course(owner=educator, title="Renal pathology")
    course.status = "published"
    course.save(update_fields=["status"])
    return course


def launch_through(client, platform, person: Person, *, target_link_uri=None, **launch):
    """What the learner's browser does: the LMS sends it to the tool's login URL, the tool
    redirects it to the LMS's auth endpoint, whose page posts the id_token to the tool."""
    target_link_uri = target_link_uri or f"http://testserver{reverse('lti:launch')}"
    response = client.post(
        reverse("lti:login"), platform.login_params(person, target_link_uri, **launch)
    )
    assert response.status_code == 302, response.content
    auth = requests.get(response["Location"], timeout=5)
    assert auth.status_code == 200, auth.text
    action, fields = form_fields(auth.text)
    return client.post(action, fields), (action, fields)
