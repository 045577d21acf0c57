"""Writes an LTI launch or roster sync makes: the portal user for an LMS person, the course an
LMS course is linked to, and the enrolments the LMS made."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from lti_tool.models import LtiContext, LtiUser

from courses.models import Course, Enrolment, EnrolmentRole

from . import roles
from .models import ContextCourse, LtiEnrolment

User = get_user_model()


class NotAdmitted(Exception):
    """The LMS role has no portal counterpart."""


def lms_role(lti_roles: list[str]) -> str | None:
    return roles.portal_role(lti_roles, settings.LTI_EXAMINER_ROLES)


def manages(user, course: Course) -> bool:
    return Course.objects.managed_by(user).filter(pk=course.pk).exists()


def _new_user(lti_user: LtiUser):
    """A trainee account whatever the LMS role: the portal-wide educator role opens the slide
    library, PACS sources, course creation and bundle import, which no LMS may grant. Rights in
    the linked course come from the enrolment the launch or roster sync makes (enrol_from_lms)."""
    user = User(
        username=f"lti-{uuid.uuid4().hex[:12]}",
        first_name=lti_user.given_name[:150],
        last_name=lti_user.family_name[:150],
        email=lti_user.email,
        role="trainee",  # the account role; courses may not import portal.models
    )
    user.set_unusable_password()  # they sign in through the LMS, never with a password here
    user.save()
    return user


@transaction.atomic
def portal_user_for(*, lti_user: LtiUser, lti_roles: list[str]):
    """The portal account linked to this (issuer, subject), created on first sight; an
    existing account's role is never changed here."""
    lti_user = LtiUser.objects.select_for_update().get(pk=lti_user.pk)
    if lti_user.auth_user_id is not None:
        return lti_user.auth_user
    if lms_role(lti_roles) is None:
        raise NotAdmitted("This LMS role has no place in the portal.")
    user = _new_user(lti_user)
    lti_user.auth_user = user
    lti_user.save(update_fields=["auth_user", "datetime_modified"])
    return user


def linked_course(context: LtiContext) -> Course | None:
    link = ContextCourse.objects.filter(context=context).select_related("course").first()
    return None if link is None else link.course


@transaction.atomic
def link_context(*, context: LtiContext, course: Course, linked_by=None) -> ContextCourse:
    """Link an LMS course to a portal course; an existing link stays as it is (re-linking is
    an admin's decision, in the admin site)."""
    link, _ = ContextCourse.objects.get_or_create(
        context=context, defaults={"course": course, "linked_by": linked_by}
    )
    return link


@transaction.atomic
def enrol_from_lms(*, user, course: Course, context: LtiContext, role: str) -> Enrolment:
    """Enrol as the LMS says; a person already enrolled keeps their enrolment and its role
    (an educator's own choice outranks the LMS)."""
    enrolment, created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"role": EnrolmentRole(role)}
    )
    if created:
        LtiEnrolment.objects.create(enrolment=enrolment, context=context)
    return enrolment


class OtherCourse(Exception):
    """The LMS course is already linked to a different portal course."""
