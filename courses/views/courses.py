"""Course list, creation, settings, the course page with progress, and its people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, confirmation, curricula, services
from ..forms import CourseForm, CourseSettingsForm, EnrolCsvForm, EnrolForm, JoinForm
from ..forms_curriculum import CourseCurriculumForm
from ..models import Case, CaseProgress, Course, Enrolment, EnrolmentRole, Module


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def course_list(request):
    courses = (
        Course.objects.visible_to(request.user)
        .annotate(case_count=Count("modules__cases", distinct=True))
        .order_by("title")
    )
    return render(
        request,
        "courses/course_list.html",
        {
            "courses": courses,
            "can_create": access.can_create_courses(request.user),
            "supervised": Course.objects.filter(
                enrolments__user=request.user, enrolments__role=EnrolmentRole.SUPERVISOR
            ).order_by("title"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    if not access.can_create_courses(request.user):
        raise Http404("No such page.")
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = services.create_course(owner=request.user, **form.cleaned_data)
        messages.success(request, "Course created. Add a module, then cases.")
        return redirect("courses:detail", course.uuid)
    return render(request, "courses/course_form.html", {"form": form})


def trainee_progress(user, course: Course) -> tuple[dict[int, CaseProgress], int, int]:
    """(progress by case id, cases completed, cases in the course) for one trainee."""
    progress = {
        p.case_id: p for p in CaseProgress.objects.filter(user=user, case__module__course=course)
    }
    total = Case.objects.filter(module__course=course).count()
    completed = sum(1 for p in progress.values() if p.completed_at)
    return progress, completed, total


@login_required
@require_GET
def course_detail(request, course_uuid):
    course = access.get_course_for_user(request.user, course_uuid)
    cases = Case.objects.annotate(slide_count=Count("case_slides"))
    modules = (
        Module.objects.filter(course=course)
        .prefetch_related(Prefetch("cases", queryset=cases))
        .order_by("position", "id")
    )
    role = access.role_in(request.user, course)
    progress, completed, total = trainee_progress(request.user, course)
    quizzes = course.quizzes.order_by("opens_at", "title")
    if role == EnrolmentRole.TRAINEE:
        quizzes = quizzes.filter(published=True)
    elif role == EnrolmentRole.EXAMINER:
        quizzes = access.markable_quizzes(request.user).filter(course=course)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "modules": modules,
            "role": role,
            "can_manage": role == EnrolmentRole.EDUCATOR,
            "progress": progress,
            "completed": completed,
            "total": total,
            "percent": int(100 * completed / total) if total else 0,
            "quizzes": quizzes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    initial = {
        "title": course.title,
        "description": course.description,
        "status": course.status,
        "cover_slide": course.cover_slide.uuid if course.cover_slide else None,
    }
    form = CourseSettingsForm(
        request.POST or None, initial=initial, current_cover=course.cover_slide
    )
    cpd = CourseCurriculumForm(
        request.POST or None,
        initial={"curriculum": course.curriculum, "cpd_hours": course.cpd_hours},
    )
    if request.method == "POST" and form.is_valid() and cpd.is_valid():
        try:
            services.update_course(course=course, **form.cleaned_data)
            curricula.set_course_curriculum(course=course, **cpd.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, "Saved.")
            return redirect("courses:detail", course.uuid)
    return render(
        request, "courses/course_settings.html", {"course": course, "form": form, "cpd": cpd}
    )


@login_required
@require_http_methods(["GET", "POST"])
def people(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    enrol_form = EnrolForm(request.POST if "identifiers" in request.POST else None)
    csv_form = EnrolCsvForm(
        request.POST if "csv" in request.POST else None,
        request.FILES if "csv" in request.POST else None,
    )
    if request.method == "POST":
        try:
            if enrol_form.is_bound and enrol_form.is_valid():
                report = services.enrol(
                    course=course,
                    identifiers=enrol_form.cleaned_data["identifiers"],
                    role=enrol_form.cleaned_data["role"],
                    added_by=request.user,
                )
            elif csv_form.is_bound and csv_form.is_valid():
                report = services.enrol_from_csv(
                    course=course, data=csv_form.cleaned_data["file"].read(), added_by=request.user
                )
            else:
                report = None
        except ValidationError as error:
            _error_messages(request, error)
        else:
            if report is not None:
                level = messages.WARNING if report.unknown else messages.SUCCESS
                messages.add_message(request, level, report.summary.capitalize() + ".")
                return redirect("courses:people", course.uuid)
    enrolments = Enrolment.objects.filter(course=course).select_related("user")
    return render(
        request,
        "courses/people.html",
        {
            "course": course,
            "enrolments": enrolments,
            "enrol_form": enrol_form,
            "csv_form": csv_form,
            "join_url": request.build_absolute_uri("/join/"),
        },
    )


@login_required
@require_POST
def enrolment_remove(request, course_uuid, enrolment_id):
    course = access.get_course_for_manager(request.user, course_uuid)
    enrolment = Enrolment.objects.filter(course=course, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404("No such enrolment.")
    back = reverse("courses:people", args=[course.uuid])
    if asking := confirmation.unless_confirmed(
        request, f"Remove {enrolment.user.username} from “{course.title}”?", "Yes, remove", back
    ):
        return asking
    try:
        services.remove_enrolment(enrolment=enrolment)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"{enrolment.user.username} removed from the course.")
    return redirect("courses:people", course.uuid)


@login_required
@require_POST
def join_code(request, course_uuid):
    course = access.get_course_for_manager(request.user, course_uuid)
    services.set_join_code(course=course, enabled=request.POST.get("enabled") == "1")
    return redirect("courses:people", course.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    form = JoinForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.join_with_code(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, f"You joined {course.title}.")
            return redirect("courses:detail", course.uuid)
    return render(request, "courses/join.html", {"form": form})
