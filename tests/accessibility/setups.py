"""The named setups of page_states.csv: each turns the seeded demo (plus a few extra rows made
by `extend_demo`) into the path to visit and, where the state needs it, what to do on the page
before axe runs (post a form, open a dialog)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.assessment import attempts
from courses.certificates import issue_certificate
from courses.models import Answer, Case, Course, CourseImport, Mark, Quiz
from fixtures import demo
from portal.demo import DEMO_PASSWORD
from portal.models import Role, User
from slides.models import DicomwebImport, DicomwebSource, Slide

VIEWER_DRAWN = "[data-slide-viewer][data-tiles-drawn=true]"
NOT_FOUND = "title:Not found"


@dataclass
class Visit:
    path: str
    then: Callable | None = None  # called with the Playwright page once it has loaded
    ready: str | None = None  # a selector to wait for before axe runs
    expect: str | None = None  # a selector that shows the state was reached


def extend_demo() -> SimpleNamespace:
    """What the demo lacks for some states: people with no courses, a certificate, attempts in
    each state, a PACS source with a failed import. Returns the objects the setups refer to."""
    for username, role in (("new_trainee", Role.TRAINEE), ("new_educator", Role.EDUCATOR)):
        User.objects.create_user(username=username, password=DEMO_PASSWORD, role=role)
    course = Course.objects.get(title=demo.DEMO_COURSE)
    educator = User.objects.get(username="educator")
    trainee = User.objects.get(username="trainee")
    practice = course.quizzes.get(kind=Quiz.Kind.PRACTICE)
    exam = course.quizzes.get(kind=Quiz.Kind.EXAM)
    taught = Case.objects.get(module__course=course, title="Breast mass in a 52-year-old")
    now = timezone.now()

    graduate = User.objects.create_user(username="graduate", role=Role.TRAINEE)
    course_services.enrol(course=course, identifiers=["graduate"], role="trainee",
                          added_by=educator)  # fmt: skip
    for case in Case.objects.filter(module__course=course):
        course_services.mark_completed(user=graduate, case=case)
    certificate = issue_certificate(course=course, trainee=graduate, now=now)

    point = practice.questions.get(type="point")
    done = attempts.start_attempt(quiz=practice, trainee=trainee, now=now)
    attempts.save_answer(attempt=done, question_uuid=point.uuid, version=0, now=now,
                         payload={"points": [[3000, 2000]]})  # fmt: skip
    attempts.submit_attempt(attempt=done, now=now)
    open_attempt = attempts.start_attempt(quiz=practice, trainee=trainee, now=now)
    attempts.save_answer(attempt=open_attempt, question_uuid=point.uuid, version=0, now=now,
                         payload={"points": [[3000, 2000], [2500, 1700]]})  # fmt: skip
    choice = practice.questions.get(type="single")
    attempts.save_answer(attempt=open_attempt, question_uuid=choice.uuid, version=0, now=now,
                         payload={"choice": "b"})  # fmt: skip
    attempts.check_answer(attempt=open_attempt, question_uuid=choice.uuid, now=now)
    exam_attempt = attempts.start_attempt(quiz=exam, trainee=trainee, now=now)

    candidates = exam.attempts.filter(state="submitted").order_by("trainee__username")
    source = DicomwebSource.objects.create(name="Hospital PACS", url="http://127.0.0.1:9/dicom")
    failed = DicomwebImport.objects.create(
        source=source,
        title="Core biopsy from the PACS",
        status=DicomwebImport.Status.FAILED,
        failure_reason="The PACS did not answer.",
    )
    refused_import = CourseImport.objects.create(
        requested_by=educator,
        status=CourseImport.Status.FAILED,
        failure_reason="The bundle is damaged: course.json does not match its checksum.",
    )
    return SimpleNamespace(
        course=course,
        practice=practice,
        exam=exam,
        taught=taught,
        he=taught.case_slides.get(stain="H&E"),
        exam_case=Case.objects.get(module__course=course, title=demo.EXAM_CASE),
        point=point,
        done=done,
        open_attempt=open_attempt,
        exam_attempt=exam_attempt,
        certificate=certificate,
        module=taught.module,
        ready_slide=Slide.objects.get(title="Demo: breast core biopsy (H&E)"),
        review_slide=Slide.objects.get(status=Slide.Status.AWAITING_REVIEW),
        second_mark=Answer.objects.get(
            attempt=candidates[10], question__type="text"
        ),  # candidate 11: one blind mark so far
        disagreement=Answer.objects.filter(
            attempt__quiz=exam,
            marks__stage=Mark.Stage.EXAMINER,
            question__type="outline",
            marks__override_reason__startswith="The outline takes in",
        ).first(),  # fmt: skip
        source=source,
        failed_import=failed,
        refused_import=refused_import,
    )


POST_FORM = """([url, fields]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]
    || (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value;
  for (const [name, value] of Object.entries({csrfmiddlewaretoken: token, ...fields})) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


def post(url: str, fields: dict | None = None) -> Callable:
    """Post a form from the loaded page (with its CSRF token) and wait for the answer."""

    def then(page):
        with page.expect_navigation():
            page.evaluate(POST_FORM, [url, fields or {}])

    return then


def after_post(start: str, url: str, expect: str, fields: dict | None = None, **options) -> Visit:
    """The page a form posted from `start` to `url` answers with, shown by `expect`."""
    return Visit(start, post(url, fields), expect=expect, **options)


def _open_submit_dialog(page):
    page.wait_for_selector("[data-attempt][data-attempt-ready=true]")
    page.click("[data-submit-button]")
    page.wait_for_selector("[data-submit-dialog][open]")


def _open_viewer_help(page):
    page.click("[aria-controls^=viewer-help-]")
    page.wait_for_selector("[id^=viewer-help-]:not([hidden])")


def _open_markdown_preview(page):
    page.click("button[aria-controls$=-preview]")
    page.wait_for_selector(".markdown-preview:not([hidden]):not(:empty)")


def _post_without_csrf_cookie(page):
    page.fill("input[name=username]", "trainee")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.context.clear_cookies()
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.context.clear_cookies()


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


SETUPS: dict[str, Callable[[SimpleNamespace], Visit]] = {
    # Public and error pages
    "sign-in form": lambda w: Visit("/accounts/login/"),
    "sign-in with a wrong password": lambda w: after_post(
        "/accounts/login/",
        "/accounts/login/",
        ".alert--error",
        {"username": "trainee", "password": "x"},
    ),
    "accessibility statement": lambda w: Visit("/accessibility/"),
    "a certificate that verifies": lambda w: Visit(
        _url("courses:certificate-verify", w.certificate.code)
    ),
    "an unknown certificate code": lambda w: Visit("/certificates/NOT-A-CODE/", expect=NOT_FOUND),
    "a path that does not exist": lambda w: Visit("/no-such-page/", expect=NOT_FOUND),
    "sign-in posted without its CSRF cookie": lambda w: Visit(
        "/accounts/login/", _post_without_csrf_cookie, expect="title:Form not accepted"
    ),
    # Home and course lists
    "demo trainee's home": lambda w: Visit("/"),
    "home with no courses": lambda w: Visit("/"),
    "demo educator's home": lambda w: Visit("/"),
    "examiner's home with work to mark": lambda w: Visit("/"),
    "admin's home": lambda w: Visit("/"),
    "course list": lambda w: Visit("/courses/"),
    "empty course list": lambda w: Visit("/courses/", expect=".empty-state"),
    "join form": lambda w: Visit("/join/"),
    "join with a wrong code": lambda w: after_post(
        "/join/", "/join/", "[role=alert], .errorlist", {"code": "WRONG1"}
    ),
    # Studying
    "demo course": lambda w: Visit(_url("courses:detail", w.course.uuid)),
    "taught case with its slide": lambda w: Visit(
        _url("courses:case", w.taught.uuid), ready=VIEWER_DRAWN
    ),
    "taught case with the diagnosis revealed": lambda w: after_post(
        _url("courses:case", w.taught.uuid),
        _url("courses:case-reveal", w.taught.uuid),
        "text=Invasive carcinoma of no special type",
        ready=VIEWER_DRAWN,
    ),
    "exam case while the exam is live": lambda w: Visit(
        _url("courses:case", w.exam_case.uuid), ready=VIEWER_DRAWN
    ),
    "H&E and IHC side by side": lambda w: Visit(
        _url("courses:case-compare", w.taught.uuid), ready=VIEWER_DRAWN
    ),
    # Quizzes
    "demo practice quiz": lambda w: Visit(_url("courses:quiz", w.practice.uuid)),
    "practice quiz in progress with a point answer": lambda w: Visit(
        _url("courses:attempt", w.open_attempt.uuid), ready="[data-attempt-ready=true]"
    ),
    "practice quiz with the submit dialog open": lambda w: Visit(
        _url("courses:attempt", w.open_attempt.uuid), _open_submit_dialog
    ),
    "exam in progress": lambda w: Visit(
        _url("courses:attempt", w.exam_attempt.uuid), ready="[data-attempt-ready=true]"
    ),
    "submitted practice attempt": lambda w: Visit(_url("courses:attempt-result", w.done.uuid)),
    # Authoring
    "new course form": lambda w: Visit("/courses/new/"),
    "new course form with errors": lambda w: after_post(
        "/courses/new/", "/courses/new/", ".errorlist"
    ),
    "course settings": lambda w: Visit(_url("courses:edit", w.course.uuid)),
    "people of the demo course": lambda w: Visit(_url("courses:people", w.course.uuid)),
    "are you sure? before deleting a module": lambda w: after_post(
        _url("courses:detail", w.course.uuid),
        _url("courses:module-delete", w.module.uuid),
        "title:Are you sure?",
    ),
    "taught case editor": lambda w: Visit(_url("courses:case-edit", w.taught.uuid)),
    "case editor with a Markdown preview open": lambda w: Visit(
        _url("courses:case-edit", w.taught.uuid), _open_markdown_preview
    ),
    "annotating the taught H&E": lambda w: Visit(
        _url("courses:annotate", w.he.uuid), ready=VIEWER_DRAWN
    ),
    "new quiz form": lambda w: Visit(_url("courses:quiz-create", w.course.uuid)),
    "demo practice quiz editor": lambda w: Visit(_url("courses:quiz-edit", w.practice.uuid)),
    "new point question form": lambda w: Visit(
        _url("courses:question-create", w.practice.uuid) + "?type=point"
    ),
    "point question editor": lambda w: Visit(
        _url("courses:question-edit", w.point.uuid), ready=VIEWER_DRAWN
    ),
    "exam accommodations": lambda w: Visit(_url("courses:quiz-accommodations", w.exam.uuid)),
    "question bank": lambda w: Visit(_url("courses:question-bank", w.course.uuid)),
    "practice quiz preview": lambda w: Visit(_url("courses:quiz-preview", w.practice.uuid)),
    # Results and marking
    "exam results": lambda w: Visit(_url("courses:results", w.exam.uuid)),
    "exam item analysis": lambda w: Visit(_url("courses:item-analysis", w.exam.uuid)),
    "answer map of the exam's point question": lambda w: Visit(
        _url("courses:answer-map", w.exam.uuid, w.exam.questions.get(type="point").uuid),
        ready=VIEWER_DRAWN,
    ),
    "marking queue of the double-marked exam": lambda w: Visit(
        _url("courses:marking", w.exam.uuid)
    ),
    "marking queue with a double-marked answer": lambda w: Visit(
        _url("courses:mark-answer", w.second_mark.id)
    ),
    "moderating a disagreement": lambda w: Visit(
        _url("courses:mark-answer", w.disagreement.id), ready=VIEWER_DRAWN
    ),
    # Search and curricula
    "search for breast": lambda w: Visit("/search/?q=breast"),
    "search that finds nothing": lambda w: Visit(
        "/search/?q=zzyzx", expect="text=No slide matches"
    ),
    "curricula": lambda w: Visit("/curricula/"),
    "curriculum coverage": lambda w: Visit(_url("courses:coverage", w.course.uuid)),
    # Course bundles
    "course import form": lambda w: Visit(_url("courses:bundle-import")),
    "refused course import": lambda w: Visit(
        _url("courses:bundle-import-status", w.refused_import.uuid)
    ),
    # Slides and the PACS
    "slide library": lambda w: Visit("/slides/"),
    "slide library filtered to nothing": lambda w: Visit("/slides/?q=zzyzx", expect=".empty-state"),
    "upload form": lambda w: Visit("/slides/upload/"),
    "ready slide": lambda w: Visit(_url("slides:detail", w.ready_slide.uuid)),
    "slide awaiting review": lambda w: Visit(_url("slides:detail", w.review_slide.uuid)),
    "full-page viewer": lambda w: Visit(
        _url("slides:viewer", w.ready_slide.uuid), ready=VIEWER_DRAWN
    ),
    "full-page viewer with its help open": lambda w: Visit(
        _url("slides:viewer", w.ready_slide.uuid), _open_viewer_help, ready=VIEWER_DRAWN
    ),
    "slide edit form": lambda w: Visit(_url("slides:edit", w.ready_slide.uuid)),
    "delete refused while the slide is in use": lambda w: Visit(
        _url("slides:delete", w.ready_slide.uuid)
    ),
    "PACS search with a source": lambda w: Visit("/slides/pacs/"),
    "PACS sources": lambda w: Visit("/slides/pacs/sources/"),
    "new PACS source form with errors": lambda w: after_post(
        "/slides/pacs/sources/new/",
        "/slides/pacs/sources/new/",
        ".field-error",
        {"url": "not a url"},
    ),
    "PACS source": lambda w: Visit(_url("slides:pacs-source-edit", w.source.uuid)),
    "a new push token": lambda w: after_post(
        _url("slides:pacs-source-edit", w.source.uuid),
        _url("slides:pacs-source-push-token", w.source.uuid),
        "title:Push token for",
    ),
    "failed PACS import": lambda w: Visit(_url("slides:pacs-import", w.failed_import.uuid)),
}
