"""The LTI endpoints the platform calls (JWKS, OIDC login, launch). The login and launch are
csrf_exempt because the platform, not a portal page, posts them; their own protection is the
state cookie, the signed id_token and the single-use nonce (courses/lti/launch.py)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiContext
from lti_tool.utils import sync_data_from_launch

from courses import access
from courses.models import Case, Course, EnrolmentRole, Quiz

from . import deep_linking, keys, roster, services, targets, tasks
from .launch import LaunchRefused, login_redirect, validated_launch

logger = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"
UNLINKED_KEY = "lti_unlinked_context"
ENROLMENT_ROLE = {
    "trainee": EnrolmentRole.TRAINEE,
    "educator": EnrolmentRole.EDUCATOR,
    "examiner": EnrolmentRole.EXAMINER,
}


@require_GET
def jwks(request):
    keys.signing_key()  # the first request of a new site creates the first key
    return JsonResponse(Key.objects.as_jwks())


def _refused(request, reason: str, status: int = 403):
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    params = request.POST if request.method == "POST" else request.GET
    target_link_uri = params.get("target_link_uri")
    if not target_link_uri:
        return HttpResponseBadRequest("Missing target_link_uri.")
    try:
        return login_redirect(request, target_link_uri)
    except LaunchRefused as refusal:
        logger.warning("LTI login refused: %s", refusal)
        return _refused(request, str(refusal))


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request):
    if not request.POST.get("id_token") or not request.POST.get("state"):
        return HttpResponseBadRequest("An LTI launch posts id_token and state.")
    try:
        lti_launch = validated_launch(request)
    except LaunchRefused as refusal:
        return _refused(request, str(refusal))
    sync_data_from_launch(lti_launch)
    if services.lms_role(lti_launch.roles_claim or []) is None:
        # Checked before the account is looked up: an existing account, too, may not enter in a
        # role the portal does not admit (mentor, administrator without a course role, ...).
        logger.warning(
            "LTI launch refused: no portal role for LMS roles %s", lti_launch.roles_claim
        )
        return _refused(request, "This LMS role has no place in the portal.")
    try:
        user = services.portal_user_for(
            lti_user=lti_launch.user, lti_roles=lti_launch.roles_claim or []
        )
    except services.NotAdmitted as refusal:
        logger.warning("LTI launch refused: %s", refusal)
        return _refused(request, str(refusal))
    login(request, user, backend=BACKEND)
    if lti_launch.is_deep_link_launch:
        return deep_linking.start(request, lti_launch, user)
    return _land(request, lti_launch, user)


def _land(request, lti_launch, user):
    context = lti_launch.context
    target = targets.named_target(lti_launch.get_claim(targets.CUSTOM_CLAIM))
    role = services.lms_role(lti_launch.roles_claim or [])
    # Only the explicit link page or Deep Linking links, and only after an Instructor launch: a
    # link naming a course must not let whoever clicks it (perhaps an educator the LMS lists as
    # a student) link someone else's LMS course to their portal course.
    request.session.pop(UNLINKED_KEY, None)
    linked = services.linked_course(context)
    if linked is None:
        logger.info("LTI launch into an unlinked LMS course %s", context.id_on_platform)
        courses = Course.objects.none()
        if role == "educator":
            request.session[UNLINKED_KEY] = context.pk  # they may link it from that page
            courses = Course.objects.managed_by(user)
        return render(
            request, "lti/not_linked.html", {"context": context, "courses": courses}, status=404
        )
    if target is None:
        target = targets.course_target(linked)
    elif target.course != linked:
        logger.warning("LTI link names a course other than the one its LMS course is linked to")
        return _refused(request, "This link belongs to another course.", status=404)
    services.enrol_from_lms(user=user, course=linked, context=context, role=ENROLMENT_ROLE[role])
    return redirect(target.url)


PLACEABLE = {"course": Course, "case": Case, "quiz": Quiz}


@login_required
@require_GET
def deep_link_picker(request):
    try:
        deep_linking.pending_request(request)
    except deep_linking.NoDeepLinkRequest:
        raise Http404("No placement in progress; start again from the learning platform.") from None
    courses = Course.objects.managed_by(request.user).prefetch_related("modules__cases", "quizzes")
    return render(request, "lti/deep_link_picker.html", {"courses": courses})


@login_required
@require_POST
def deep_link_place(request):
    kind, item_uuid = request.POST.get("kind"), request.POST.get("uuid")
    if kind not in PLACEABLE:
        return HttpResponseBadRequest("Choose a course, a case or a quiz.")
    item = targets.by_uuid(PLACEABLE[kind], item_uuid)
    course = targets.course_of(item) if item is not None else None
    if course is None or not services.manages(request.user, course):
        raise Http404("No such item among your courses.")
    try:
        form = deep_linking.place(request, kind=kind, item=item, course=course)
    except deep_linking.NoDeepLinkRequest:
        raise Http404("No placement in progress; start again from the learning platform.") from None
    except services.OtherCourse as refusal:
        return _refused(request, str(refusal), status=409)
    return render(
        request,
        "lti/auto_post.html",
        {"action": form["return_url"], "fields": {"JWT": form["jwt"]}},
    )


@login_required
@require_POST
def roster_sync(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    contexts = roster.syncable_contexts(course=course)
    for context_id in contexts:
        tasks.sync_roster.delay(context_id)
    if contexts:
        messages.success(request, "Roster sync started: refresh in a moment to see the changes.")
    else:
        messages.info(request, "This course is not linked to an LMS course that offers a roster.")
    return redirect("courses:people", course.uuid)


@login_required
@require_POST
def link_context(request, course_uuid):
    """An educator links the LMS course they just launched from to a course they manage."""
    course = access.get_course_for_manager(request.user, course_uuid)
    context = LtiContext.objects.filter(pk=request.session.get(UNLINKED_KEY)).first()
    if context is None:
        return HttpResponseBadRequest("No LMS course is waiting to be linked; launch again.")
    link = services.link_context(context=context, course=course, linked_by=request.user)
    del request.session[UNLINKED_KEY]
    if link.course_id != course.pk:
        return _refused(request, "This LMS course is linked to another portal course.", status=409)
    messages.success(request, f"Linked: launches from “{context.title}” now open this course.")
    return redirect("courses:detail", course.uuid)
