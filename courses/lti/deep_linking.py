"""Deep Linking: an instructor picks a course, case or quiz; the portal answers the platform
with a signed LtiDeepLinkingResponse naming it in custom parameters (courses/lti/targets.py
reads them back at launch)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from lti_tool.models import LtiContext, LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource

from . import services
from .tool_config import PortalToolConfig

SESSION_KEY = "lti_deep_link"
SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


class NoDeepLinkRequest(Exception):
    """No deep-linking request in this session (expired, or never made)."""


def start(request, lti_launch, user):
    """Remember the request in the session and show the picker; only educators place items."""
    if services.lms_role(lti_launch.roles_claim or []) != "educator":
        return render(
            request,
            "lti/refused.html",
            {"reason": "Only instructors place portal content in the learning platform."},
            status=403,
        )
    request.session[SESSION_KEY] = {
        "registration": lti_launch.registration.pk,
        "deployment_id": lti_launch.deployment.deployment_id,
        "context": lti_launch.context.pk,
        "settings": lti_launch.get_claim(SETTINGS_CLAIM),
    }
    return redirect("lti:deep-link")


def pending_request(request) -> dict:
    pending = request.session.get(SESSION_KEY)
    if not pending:
        raise NoDeepLinkRequest
    return pending


def response_jwt(*, pending: dict, kind: str, item, title: str) -> str:
    """The signed LtiDeepLinkingResponse placing one item."""
    registration = LtiRegistration.objects.get(pk=pending["registration"])
    deep_link = DeepLink(
        PortalToolConfig().registration_for(registration),
        pending["deployment_id"],
        pending["settings"],
    )
    resource = (
        DeepLinkResource()
        .set_type("ltiResourceLink")
        .set_title(title)
        .set_url(pending["launch_url"])
        .set_custom_params({kind: str(item.uuid)})
    )
    return deep_link.get_response_jwt([resource])


def place(request, *, kind: str, item, course) -> dict:
    """Link the LMS course to the item's course and return what the auto-post form needs."""
    pending = pending_request(request)
    context = LtiContext.objects.get(pk=pending["context"])
    link = services.link_context(context=context, course=course, linked_by=request.user)
    if link.course_id != course.pk:
        raise services.OtherCourse("This LMS course is linked to another portal course.")
    pending["launch_url"] = request.build_absolute_uri(reverse("lti:launch"))
    token = response_jwt(pending=pending, kind=kind, item=item, title=item.title)
    del request.session[SESSION_KEY]
    return {"return_url": pending["settings"]["deep_link_return_url"], "jwt": token}
