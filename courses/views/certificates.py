"""CPD certificates: a trainee who completed a course gets one as a PDF; anyone can verify one
by its code, seeing only the certificate's own facts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import access, certificates
from ..certificate_pdf import render_certificate_pdf
from ..models import Certificate, EnrolmentRole


def _course_for_trainee(user, course_uuid):
    course = access.get_course_for_user(user, course_uuid)
    if access.role_in(user, course) != EnrolmentRole.TRAINEE:
        raise Http404("No such course.")
    return course


@login_required
@require_POST
def certificate_issue(request, course_uuid):
    course = _course_for_trainee(request.user, course_uuid)
    try:
        certificates.issue_certificate(course=course, trainee=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("courses:detail", course.uuid)
    return redirect("courses:certificate-pdf", course.uuid)


@login_required
@require_GET
def certificate_pdf(request, course_uuid):
    course = _course_for_trainee(request.user, course_uuid)
    certificate = certificates.certificate_of(request.user, course)
    if certificate is None:
        raise Http404("No certificate yet.")
    pdf = render_certificate_pdf(
        name=certificate.name,
        course_title=certificate.course_title,
        hours=certificate.hours,
        outcomes=certificate.outcomes,
        issued_on=timezone.localdate(certificate.issued_at),
        code=certificate.code,
        verify_url=request.build_absolute_uri(
            reverse("courses:certificate-verify", args=[certificate.code])
        ),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="cpd-certificate.pdf"'
    return response


@require_GET
def certificate_verify(request, code):
    """Public, no sign-in: the certificate's own facts and nothing else about the trainee."""
    certificate = get_object_or_404(Certificate.objects.only(*VERIFY_FIELDS), code=code)
    response = render(request, "courses/certificate_verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


VERIFY_FIELDS = ("code", "name", "course_title", "hours", "outcomes", "issued_at")
