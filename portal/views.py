"""Home page: each role sees where to go."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .demo import DEMO_ACCOUNTS


def _role_links(user) -> list[dict[str, str]]:
    links = [
        {
            "title": "Courses",
            "url": reverse("courses:list"),
            "description": "Create courses and their cases."
            if user.is_educator
            else "The courses you are enrolled in, with your progress.",
        },
    ]
    if not user.is_educator:
        links.append(
            {
                "title": "Join a course",
                "url": reverse("courses:join"),
                "description": "Have a join code from your educator? Enter it here.",
            }
        )
    if user.is_educator:
        links += [
            {
                "title": "Slide library",
                "url": reverse("slides:library"),
                "description": "Import slides, watch them being processed and pass the "
                "identifier review before they reach any course.",
            },
            {
                "title": "Upload a slide",
                "url": reverse("slides:upload"),
                "description": "SVS, NDPI, SCN, BIF, tiled TIFF, DICOM or MRXS (zip).",
            },
        ]
    if user.is_portal_admin:
        links.append(
            {
                "title": "Administration",
                "url": reverse("admin:index"),
                "description": "Accounts, roles and every record.",
            }
        )
    links.append(
        {
            "title": "API documentation",
            "url": reverse("api-docs"),
            "description": "The REST API with its OpenAPI 3 schema.",
        }
    )
    return links


@login_required
@require_GET
def home(request):
    from django.utils import timezone

    from courses.assessment.dashboard import quiz_cards
    from courses.assessment.marking_queue import quizzes_to_mark
    from courses.dashboard import course_cards
    from slides.pacs_notices import arrivals_for

    return render(
        request,
        "portal/home.html",
        {
            "role_links": _role_links(request.user),
            "courses": course_cards(request.user),
            "quizzes": quiz_cards(request.user, timezone.now()),
            "to_mark": quizzes_to_mark(request.user),
            "pacs_arrivals": arrivals_for(request.user),
        },
    )


@require_GET
def accessibility_statement(request):
    """The public accessibility statement, in the form UK public-sector sites publish it."""
    return render(
        request,
        "portal/accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


class LoginView(auth_views.LoginView):
    """Django's login, plus the demo accounts when the demo is switched on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = DEMO_ACCOUNTS if settings.SHOW_DEMO_ACCOUNTS else []
        return context


def bad_request(request, exception=None):
    """400 page; API clients get JSON they can show (e.g. a body over the size limit)."""
    from django.core.exceptions import RequestDataTooBig
    from django.http import JsonResponse

    if isinstance(exception, RequestDataTooBig):
        detail = "The request is larger than this server accepts."
    else:
        detail = "The request could not be understood."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=400)
    return render(request, "400.html", {"detail": detail}, status=400)
