"""Every route × every persona against the committed table in matrix.csv.

A route that has no row fails the suite, so a new page or endpoint cannot ship without someone
deciding who may use it.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from courses import services as course_services
from courses.assessment import attempts, authoring
from courses.certificates import issue_certificate
from courses.models import CourseImport, Enrolment, EnrolmentRole
from portal.models import Role, User
from slides import pipeline
from slides import services as slide_services
from slides.models import DicomwebImport, DicomwebSource
from slides.tile_tokens import make_token

MATRIX = Path(__file__).with_name("matrix.csv")
PERSONAS = [
    "anonymous",
    "enrolled_trainee",
    "other_trainee",
    "owning_educator",
    "other_educator",
    "assigned_examiner",
    "other_examiner",
    "admin",
]
PERSONA_ROLES = {
    "enrolled_trainee": Role.TRAINEE,
    "other_trainee": Role.TRAINEE,
    "owning_educator": Role.EDUCATOR,
    "other_educator": Role.EDUCATOR,
    "assigned_examiner": Role.EXAMINER,
    "other_examiner": Role.EXAMINER,
    "admin": Role.ADMIN,
}


def load_matrix() -> list[dict[str, str]]:
    lines = [line for line in MATRIX.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def route_names(patterns=None, prefix: str = "") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= route_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


ROWS = load_matrix()


def _covered(name: str, rows) -> bool:
    return any(
        row["route"] == name or (row["route"].endswith(":*") and name.startswith(row["route"][:-1]))
        for row in rows
    )


def test_every_route_has_a_row_and_every_row_a_route():
    names = route_names()
    assert sorted(name for name in names if not _covered(name, ROWS)) == []
    stale = [
        row["route"]
        for row in ROWS
        if not row["route"].endswith(":*") and row["route"] not in names
    ]
    assert stale == []


def test_the_table_is_complete():
    for row in ROWS:
        assert set(PERSONAS) <= set(row), row
        assert {row[persona] for persona in PERSONAS} <= {"A", "D"}, row


@pytest.fixture
def world(db, slide_files):
    """Course A (published) of owning_educator with an enrolled trainee and an assigned
    examiner; course B of other_educator with other_trainee and other_examiner."""
    users = {}
    for persona, role in PERSONA_ROLES.items():
        user = User(
            username=persona,
            role=role,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_unusable_password()
        user.save()
        users[persona] = user
    slides = []
    for kind in ("svs", "tiff"):
        slide = slide_services.create_slide(
            uploaded_by=users["owning_educator"],
            original=slide_files[kind],
            original_name=f"x.{kind}",
            title=f"Library {kind}",
            move=False,
        )
        slide = pipeline.run_inline(slide.id)
        slides.append(slide_services.approve_slide(slide=slide, reviewer=users["owning_educator"]))
    course = course_services.create_course(owner=users["owning_educator"], title="Course A")
    course.status = "published"
    course.save()
    module = course_services.add_module(course=course, title="Module 1")
    case = course_services.add_case(module=module, title="Case 1")
    first = course_services.add_case_slide(case=case, slide=slides[0], stain="H&E")
    course_services.add_case_slide(case=case, slide=slides[1], stain="CD20")
    annotation = course_services.create_annotation(
        case_slide=first,
        author=users["owning_educator"],
        geometry={"type": "Point", "coordinates": [10, 10]},
        properties={"label": "Here", "kind": "point"},
    )
    for persona, role in (("enrolled_trainee", "trainee"), ("assigned_examiner", "examiner")):
        course_services.enrol(course=course, identifiers=[persona], role=role, added_by=None)
    other = course_services.create_course(owner=users["other_educator"], title="Course B")
    other.status = "published"
    other.save()
    for persona, role in (("other_trainee", "trainee"), ("other_examiner", "examiner")):
        course_services.enrol(course=other, identifiers=[persona], role=role, added_by=None)
    quiz = authoring.create_quiz(
        course=course,
        title="Quiz",
        published=True,
        attempts_allowed=2,
        opens_at=timezone.now() - timedelta(hours=1),
    )
    quiz.examiners.add(users["assigned_examiner"])
    authoring.add_question(
        quiz=quiz,
        type="single",
        prompt="Which?",
        options=[{"text": "A", "correct": True}, {"text": "B"}],
    )
    point = authoring.add_question(
        quiz=quiz,
        type="point",
        prompt="Where?",
        case_slide=first,
        reference={"geometry": {"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [20, 20]}]}, "tolerance": 5},
    )  # fmt: skip
    now = timezone.now()
    submitted = attempts.start_attempt(quiz=quiz, trainee=users["enrolled_trainee"], now=now)
    attempts.save_answer(
        attempt=submitted, question_uuid=point.uuid, payload={"points": [[21, 21]]}, version=0,
        now=now,
    )  # fmt: skip
    attempts.submit_attempt(attempt=submitted, now=now)
    open_attempt = attempts.start_attempt(quiz=quiz, trainee=users["enrolled_trainee"], now=now)
    course_services.mark_completed(user=users["enrolled_trainee"], case=case)
    certificate = issue_certificate(course=course, trainee=users["enrolled_trainee"], now=now)
    token = make_token(str(slides[0].uuid))
    source = DicomwebSource.objects.create(name="PACS", url="http://127.0.0.1:9/dicom-web")
    pull = DicomwebImport.objects.create(
        source=source, title="Pulled", status=DicomwebImport.Status.FAILED, failure_reason="x"
    )
    bundle_import = CourseImport.objects.create(
        requested_by=users["owning_educator"], status="failed", failure_reason="Refused."
    )
    values = {
        "job_uuid": bundle_import.uuid,
        "source_uuid": source.uuid,
        "import_uuid": pull.uuid,
        "course_uuid": course.uuid,
        "module_uuid": module.uuid,
        "case_uuid": case.uuid,
        "case_slide_uuid": first.uuid,
        "annotation_uuid": annotation.uuid,
        "enrolment_id": Enrolment.objects.get(course=course, role=EnrolmentRole.TRAINEE).id,
        "slide_uuid": slides[0].uuid,
        "token": token,
        "quiz_uuid": quiz.uuid,
        "question_uuid": point.uuid,
        "attempt_uuid": open_attempt.uuid,
        "answer_id": submitted.answers.get(question=point).id,
        "level": 0,
        "col": 0,
        "row": 0,
        "region": "full",
        "size": "64,",
        "rotation": "0",
        "quality": "default",
        "fmt": "jpg",
        "code": certificate.code,
    }
    return users, values


def url_for(name: str, values: dict) -> str:
    if name.endswith(":*"):
        return reverse(name[:-1] + "index")
    for kwargs_names in _kwarg_sets(name):
        try:
            return reverse(name, kwargs={key: values[key] for key in kwargs_names})
        except Exception:  # try the next set of arguments
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def _kwarg_sets(name: str):
    keys = list(
        {
            "course_uuid",
            "module_uuid",
            "case_uuid",
            "case_slide_uuid",
            "annotation_uuid",
            "slide_uuid",
        }
    )
    yield []
    for key in keys:
        yield [key]
    yield ["course_uuid", "enrolment_id"]
    yield ["quiz_uuid"]
    yield ["question_uuid"]
    yield ["attempt_uuid"]
    yield ["answer_id"]
    yield ["import_uuid"]
    yield ["job_uuid"]
    yield ["source_uuid"]
    yield ["quiz_uuid", "question_uuid"]
    yield ["attempt_uuid", "question_uuid"]
    yield ["code"]
    yield ["token", "slide_uuid"]
    yield ["token", "slide_uuid", "level", "col", "row"]
    yield ["token", "slide_uuid", "region", "size", "rotation", "quality", "fmt"]


TOKEN_HEADER_ROUTES = {"slides:stow"}  # a PACS's STOW-RS push, with the source's push token


def outcome(response, *, signed_in: bool) -> str:
    """A (allowed), D (denied), or "neither" for a refusal that breaks the rule.

    One rule for pages and API: a signed-in person is answered 404 whether the object is missing
    or not theirs, so ids and roles leak nothing (only the admin site sends them to its own
    login); the anonymous get 401 from the API (Basic auth challenges it) or are sent to log
    in."""
    # Sent to log in (with ?next=), as opposed to a logout landing on the login page.
    if response.status_code == 302 and "login/?next=" in response.get("Location", ""):
        return "D"
    if response.status_code in (401, 403, 404):
        return "D" if response.status_code == (404 if signed_in else 401) else "neither"
    return "A"


@pytest.mark.parametrize("row", ROWS, ids=[f"{row['method']} {row['route']}" for row in ROWS])
def test_route_answers_each_persona_as_the_table_says(client, world, row):
    users, values = world
    url = url_for(row["route"], values)
    mismatches = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(users[persona])
        with transaction.atomic():
            response = client.generic(
                row["method"],
                url,
                "",
                content_type="application/json"
                if row["route"].startswith("api-")
                else "application/x-www-form-urlencoded",
            )
            transaction.set_rollback(True)
        assert response.status_code not in (405, 500), (persona, row["route"], response.status_code)
        # Routes authenticated by their own token header, never a session: 401 for everyone.
        signed_in = persona != "anonymous" and row["route"] not in TOKEN_HEADER_ROUTES
        answered = outcome(response, signed_in=signed_in)
        if answered != row[persona]:
            mismatches.append(f"{persona}: expected {row[persona]}, got {response.status_code}")
    assert mismatches == []
