"""Names and Role Provisioning: the LMS course's roster into the linked portal course.

Adds an enrolment for every active member the portal admits (creating their account as a launch
would) and removes the enrolments the LMS made (`LtiEnrolment`) for people no longer on the
roster. Enrolments an educator made by hand are never removed, nor a course's last educator."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from lti_tool.models import LtiContext, LtiUser
from pylti1p3.names_roles import NamesRolesProvisioningService

from courses import services as course_services

from . import services
from .models import ContextCourse, LtiEnrolment
from .tool_config import service_connector

ENROLMENT_ROLE = {"trainee": "trainee", "educator": "educator", "examiner": "examiner"}


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    kept: int


def syncable_contexts(course=None) -> list[int]:
    """The LMS courses linked to a portal course (to `course`, if given) that offer a roster."""
    links = ContextCourse.objects.exclude(context__memberships_url="")
    if course is not None:
        links = links.filter(course=course)
    return list(links.values_list("context_id", flat=True))


def _members(context: LtiContext) -> list[dict]:
    service = NamesRolesProvisioningService(
        service_connector(context.deployment.registration),
        {"context_memberships_url": context.memberships_url},
    )
    return service.get_members()


def _lti_user(context: LtiContext, member: dict) -> LtiUser:
    names = {
        key: member[claim]
        for key, claim in (("given_name", "given_name"), ("family_name", "family_name"),
                           ("name", "name"), ("email", "email"))
        if member.get(claim)
    }  # fmt: skip
    lti_user, _ = LtiUser.objects.update_or_create(
        registration=context.deployment.registration, sub=member["user_id"], defaults=names
    )
    return lti_user


def sync_context(context_id: int) -> SyncReport | None:
    """Fetch the roster (before any write, so an LMS error changes nothing) and apply it."""
    link = (
        ContextCourse.objects.filter(context_id=context_id)
        .select_related("course", "context__deployment__registration")
        .first()
    )
    if link is None or not link.context.memberships_url:
        return None
    members = _members(link.context)
    return apply_roster(link, members)


def apply_roster(link: ContextCourse, members: list[dict]) -> SyncReport:
    context, course = link.context, link.course
    present, added = set(), 0
    for member in members:
        role = services.lms_role(member.get("roles", []))
        if member.get("status", "Active") != "Active" or role is None:
            continue
        lti_user = _lti_user(context, member)
        user = services.portal_user_for(lti_user=lti_user, lti_roles=member.get("roles", []))
        present.add(user.pk)
        before = course.enrolments.filter(user=user).exists()
        services.enrol_from_lms(
            user=user, course=course, context=context, role=ENROLMENT_ROLE[role]
        )
        added += not before
    removed = 0
    gone = LtiEnrolment.objects.filter(context=context, enrolment__course=course).exclude(
        enrolment__user_id__in=present
    )
    for lti_enrolment in gone.select_related("enrolment__course"):
        try:
            course_services.remove_enrolment(enrolment=lti_enrolment.enrolment)
        except ValidationError:
            continue  # the course's last educator stays
        removed += 1
    return SyncReport(added=added, removed=removed, kept=len(present) - added)
