"""Educators shaping a course: modules, cases, the slides of a case, their order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import access, confirmation, curricula, markdown_text, services
from ..assessment.selectors import exam_lock
from ..forms import (
    CaseForm,
    CaseSlideForm,
    MarkdownPreviewForm,
    MoveForm,
    OrderForm,
    StainForm,
    TitleForm,
)
from ..forms_curriculum import OutcomesForm
from .courses import _error_messages
from .study import case_slide_viewer


def _back_to_course(course):
    return redirect("courses:detail", course.uuid)


IN_USE = "It is used by quiz questions ({questions}); change or remove those questions first."


def _deleted(request, obj) -> bool:
    """Delete, or explain why not: slides that quiz questions point at are kept."""
    try:
        obj.delete()
    except ProtectedError as error:
        questions = ", ".join(sorted({f"“{q}”" for q in error.protected_objects})[:3])
        messages.error(request, IN_USE.format(questions=questions))
        return False
    return True


@login_required
@require_POST
def module_create(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    form = TitleForm(request.POST)
    if form.is_valid():
        services.add_module(course=course, title=form.cleaned_data["title"])
    else:
        messages.error(request, "A module needs a title.")
    return _back_to_course(course)


@login_required
@require_POST
def module_edit(request, module_uuid):
    module = access.get_module_for_manager(request.user, module_uuid)
    form = TitleForm(request.POST)
    if form.is_valid():
        services.rename_module(module=module, title=form.cleaned_data["title"])
    return _back_to_course(module.course)


@login_required
@require_POST
def module_move(request, module_uuid):
    module = access.get_module_for_manager(request.user, module_uuid)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move(
            item=module,
            siblings=module.course.modules.all(),
            direction=form.cleaned_data["direction"],
        )
    return _back_to_course(module.course)


@login_required
@require_POST
def module_delete(request, module_uuid):
    module = access.get_module_for_manager(request.user, module_uuid)
    course = module.course
    back = reverse("courses:detail", args=[course.uuid])
    if asking := confirmation.unless_confirmed(
        request, f"Delete the module “{module.title}” and all its cases?", "Delete module", back
    ):
        return asking
    if _deleted(request, module):
        messages.success(request, f"Module “{module.title}” deleted.")
    return _back_to_course(course)


def _order_response(request, form) -> HttpResponse:
    if request.headers.get("HX-Request") or request.headers.get("X-Requested-With"):
        return HttpResponse(status=204 if form.is_valid() else 400)
    return None


@login_required
@require_POST
def module_order(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    form = OrderForm(request.POST)
    try:
        if form.is_valid():
            services.reorder(siblings=course.modules.all(), uuids=form.cleaned_data["order"])
    except ValidationError as error:
        form.add_error("order", error)
    return _order_response(request, form) or _back_to_course(course)


@login_required
@require_POST
def case_create(request, module_uuid):
    module = access.get_module_for_manager(request.user, module_uuid)
    form = TitleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A case needs a title.")
        return _back_to_course(module.course)
    case = services.add_case(module=module, title=form.cleaned_data["title"])
    return redirect("courses:case-edit", case.uuid)


@login_required
@require_POST
def case_order(request, module_uuid):
    module = access.get_module_for_manager(request.user, module_uuid)
    form = OrderForm(request.POST)
    try:
        if form.is_valid():
            services.reorder(siblings=module.cases.all(), uuids=form.cleaned_data["order"])
    except ValidationError as error:
        form.add_error("order", error)
    return _order_response(request, form) or _back_to_course(module.course)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_uuid):
    case = access.get_case_for_manager(request.user, case_uuid)
    initial = {
        "title": case.title,
        "clinical_history": case.clinical_history,
        "diagnosis": case.diagnosis,
        "discussion": case.discussion,
        "reveal_allowed": case.reveal_allowed,
    }
    form = CaseForm(request.POST or None, initial=initial)
    tags = OutcomesForm(
        request.POST or None,
        curriculum=case.module.course.curriculum,
        selected=case.outcomes.all(),
    )
    if request.method == "POST" and form.is_valid() and tags.is_valid():
        services.update_case(case=case, **form.cleaned_data)
        curricula.set_case_outcomes(case=case, outcomes=tags.chosen())
        messages.success(request, "Case saved.")
        return redirect("courses:case-edit", case.uuid)
    return render(
        request,
        "courses/case_edit.html",
        {
            "case": case,
            "course": case.module.course,
            "form": form,
            "tags": tags,
            "case_slides": case.case_slides.select_related("slide"),
            "slide_form": CaseSlideForm(),
        },
    )


@login_required
@require_POST
def case_move(request, case_uuid):
    case = access.get_case_for_manager(request.user, case_uuid)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move(
            item=case, siblings=case.module.cases.all(), direction=form.cleaned_data["direction"]
        )
    return _back_to_course(case.module.course)


@login_required
@require_POST
def case_delete(request, case_uuid):
    case = access.get_case_for_manager(request.user, case_uuid)
    course = case.module.course
    back = reverse("courses:detail", args=[course.uuid])
    if asking := confirmation.unless_confirmed(
        request,
        f"Delete the case “{case.title}” with its slides’ annotations and tours?",
        "Delete case",
        back,
    ):
        return asking
    if _deleted(request, case):
        messages.success(request, f"Case “{case.title}” deleted.")
    return _back_to_course(course)


@login_required
@require_POST
def case_slide_add(request, case_uuid):
    case = access.get_case_for_manager(request.user, case_uuid)
    form = CaseSlideForm(request.POST)
    if form.is_valid():
        try:
            services.add_case_slide(case=case, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
    else:
        messages.error(request, "Choose a slide that passed the identifier review.")
    return redirect("courses:case-edit", case.uuid)


@login_required
@require_POST
def case_slide_edit(request, case_slide_uuid):
    case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
    form = StainForm(request.POST)
    if form.is_valid():
        services.update_case_slide(case_slide=case_slide, stain=form.cleaned_data["stain"])
    return redirect("courses:case-edit", case_slide.case.uuid)


@login_required
@require_POST
def case_slide_move(request, case_slide_uuid):
    case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move(
            item=case_slide,
            siblings=case_slide.case.case_slides.all(),
            direction=form.cleaned_data["direction"],
        )
    return redirect("courses:case-edit", case_slide.case.uuid)


@login_required
@require_POST
def case_slide_remove(request, case_slide_uuid):
    case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
    case = case_slide.case
    back = reverse("courses:case-edit", args=[case.uuid])
    if asking := confirmation.unless_confirmed(
        request,
        "Remove this slide from the case? Its annotations and tour are deleted.",
        "Remove slide",
        back,
    ):
        return asking
    if _deleted(request, case_slide):
        messages.success(request, "Slide removed from the case (it stays in the library).")
    return redirect("courses:case-edit", case.uuid)


@login_required
@require_http_methods(["GET"])
def annotate(request, case_slide_uuid):
    case_slide = access.get_case_slide_for_manager(request.user, case_slide_uuid)
    return render(
        request,
        "courses/annotate.html",
        {
            "case_slide": case_slide,
            "case": case_slide.case,
            "course": case_slide.case.module.course,
            "viewer": case_slide_viewer(case_slide, exam_lock(request.user)),
        },
    )


@login_required
@require_POST
def markdown_preview(request):
    """What a Markdown field will look like, as the page will show it: an HTML fragment for the
    "Preview" beside each Markdown textarea (courses/static/courses/markdown-preview.js)."""
    if not access.can_create_courses(request.user):
        raise Http404
    form = MarkdownPreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            f"<p>Too long to preview (at most {markdown_text.MAX_SOURCE_CHARS:,} characters).</p>",
            status=400,
        )
    html = markdown_text.render(form.cleaned_data["text"])
    return HttpResponse(html or '<p class="muted">Nothing to preview yet.</p>')
