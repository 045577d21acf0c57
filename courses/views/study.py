"""Studying a case: history first, then the slides with teaching overlays, tours, measurement,
side-by-side comparison; the diagnosis only when the trainee asks for it (and may)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from slides.viewer import viewer_context

from .. import access, services
from ..assessment.selectors import LockedSlides, exam_lock
from ..models import Case, CaseSlide, EnrolmentRole


def case_slide_viewer(case_slide: CaseSlide, locks: LockedSlides) -> dict | None:
    """The viewer island's data for one slide of a case, with its teaching extras unless a
    live exam withholds them from this person (then `withheld` says why)."""
    viewer = viewer_context(case_slide.slide, title=f"{case_slide.case.title} ({case_slide.stain})")
    if viewer is None:
        return None
    key = case_slide.uuid
    viewer.update(
        {
            "case_slide": str(key),
            "stain": case_slide.stain,
            "mpp_x": case_slide.slide.mpp_x or "",
            "mpp_y": case_slide.slide.mpp_y or "",
        }
    )
    lock = locks.teaching(case_slide.case.module.course, case_slide.slide_id)
    if lock is not None:
        viewer["withheld"] = lock.sentence
        return viewer
    viewer.update(
        {
            "annotations_url": reverse("api-annotation-list", args=[key]),
            "export_url": reverse("api-annotation-export", args=[key]),
            "import_url": reverse("api-annotation-import", args=[key]),
            "tour_url": reverse("api-tour", args=[key]),
        }
    )
    return viewer


def _neighbours(case: Case) -> tuple[Case | None, Case | None]:
    ordered = list(
        Case.objects.filter(module__course=case.module.course)
        .order_by("module__position", "module_id", "position", "id")
        .only("uuid", "title")
    )
    index = next(i for i, other in enumerate(ordered) if other.pk == case.pk)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


@login_required
@require_GET
def case_page(request, case_uuid):
    case = access.get_case_for_user(request.user, case_uuid)
    course = case.module.course
    role = access.role_in(request.user, course)
    progress = services.record_opened(user=request.user, case=case)
    case_slides = list(case.case_slides.select_related("slide", "case__module__course"))
    locks = exam_lock(request.user)
    slides = [(cs, case_slide_viewer(cs, locks)) for cs in case_slides]
    previous, following = _neighbours(case)
    # Staff see the answer key; trainees only after revealing, and never while a live exam
    # uses one of the case's slides.
    lock = locks.case(case)
    available = case.reveal_allowed and lock is None
    show_diagnosis = role in (EnrolmentRole.EDUCATOR, EnrolmentRole.EXAMINER) or bool(
        progress.revealed_at and available
    )
    return render(
        request,
        "courses/case.html",
        {
            "case": case,
            "course": course,
            "role": role,
            "can_manage": role == EnrolmentRole.EDUCATOR,
            "progress": progress,
            "slides": slides,
            "show_diagnosis": show_diagnosis,
            "diagnosis_available": available,
            "exam_lock": lock,
            "previous_case": previous,
            "next_case": following,
            "compare_pair": case_slides[:2] if len(case_slides) >= 2 else None,
        },
    )


@login_required
@require_POST
def case_reveal(request, case_uuid):
    case = access.get_case_for_user(request.user, case_uuid)
    try:
        services.reveal_diagnosis(user=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("courses:case", args=[case.uuid]) + "#diagnosis")


@login_required
@require_POST
def case_complete(request, case_uuid):
    case = access.get_case_for_user(request.user, case_uuid)
    services.mark_completed(
        user=request.user, case=case, completed=request.POST.get("completed", "1") == "1"
    )
    return redirect("courses:case", case.uuid)


@login_required
@require_GET
def case_compare(request, case_uuid):
    case = access.get_case_for_user(request.user, case_uuid)
    case_slides = {
        str(cs.uuid): cs for cs in case.case_slides.select_related("slide", "case__module__course")
    }
    if len(case_slides) < 2:
        raise Http404("This case has only one slide.")
    ordered = list(case_slides.values())
    left = case_slides.get(request.GET.get("left", ""), ordered[0])
    right = case_slides.get(request.GET.get("right", ""), ordered[1])
    locks = exam_lock(request.user)
    return render(
        request,
        "courses/compare.html",
        {
            "case": case,
            "course": case.module.course,
            "case_slides": ordered,
            "left": left,
            "right": right,
            "left_viewer": case_slide_viewer(left, locks),
            "right_viewer": case_slide_viewer(right, locks),
        },
    )
