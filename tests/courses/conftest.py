"""A small published course with one case of two slides, shared by the courses tests."""

from __future__ import annotations

import pytest

from courses import services
from courses.curricula import import_curriculum


@pytest.fixture
def ready_slides(slide_files, make_processed_slide):
    return [
        make_processed_slide("svs", files=slide_files, title="H&E slide", approve=True),
        make_processed_slide("tiff", files=slide_files, title="IHC slide", approve=True),
    ]


@pytest.fixture
def course(educator, trainee, examiner, ready_slides):
    course = services.create_course(owner=educator, title="GI pathology")
    services.update_course(
        course=course,
        title=course.title,
        description="",
        status="published",
        cover_slide=ready_slides[0],
    )
    module = services.add_module(course=course, title="Colon")
    case = services.add_case(module=module, title="Case 1")
    services.update_case(
        case=case,
        title="Case 1",
        clinical_history="<p>A 64-year-old with <b>rectal bleeding</b>.</p>",
        diagnosis="Adenocarcinoma DIAGNOSIS-SECRET",
        discussion="<p>Discussion text.</p>",
        reveal_allowed=True,
    )
    services.add_case_slide(case=case, slide=ready_slides[0], stain="H&E")
    services.add_case_slide(case=case, slide=ready_slides[1], stain="CD20")
    services.enrol(course=course, identifiers=[trainee.username], role="trainee", added_by=educator)
    services.enrol(
        course=course, identifiers=[examiner.username], role="examiner", added_by=educator
    )
    return course


CURRICULUM_CSV = (
    "code,parent_code,title\nGI,,Gastrointestinal\nGI.1,GI,Colorectal polyps\nBR,,Breast\n"
)


@pytest.fixture
def curriculum(course):
    """A three-outcome curriculum that the course follows."""
    curriculum = import_curriculum(title="Example", version="1", data=CURRICULUM_CSV)
    course.curriculum = curriculum
    course.save(update_fields=["curriculum"])
    return curriculum


@pytest.fixture
def case(course):
    return course.modules.get().cases.get()


@pytest.fixture
def case_slide(case):
    return case.case_slides.order_by("position").first()


REFERENCE_CANARY = "REFERENCE-CANARY-5d1e"
# Distinctive coordinates: if they show up in a trainee's response, the reference leaked.
TARGET = {
    "type": "Polygon",
    "coordinates": [[[411.11, 322.22], [611.11, 322.22], [611.11, 522.22], [411.11, 522.22],
                     [411.11, 322.22]]],
}  # fmt: skip
RULER = {"type": "LineString", "coordinates": [[133.33, 144.44], [933.33, 144.44]]}


@pytest.fixture
def quiz_factory(course, case_slide, examiner):
    """Build a quiz on the course with one question of each type."""
    from django.utils import timezone

    from courses.assessment import authoring

    def make(**settings):
        options = {
            "kind": "practice",
            "published": True,
            "feedback_policy": "after_submission",
            "opens_at": timezone.now() - timezone.timedelta(hours=1),
        }
        options.update(settings)
        quiz = authoring.create_quiz(course=course, title="Quiz", **options)
        quiz.examiners.add(examiner)
        authoring.add_question(
            quiz=quiz,
            type="single",
            prompt="Which organ?",
            options=[
                {"text": "Colon", "correct": True, "feedback": f"Right {REFERENCE_CANARY}"},
                {"text": "Lung", "feedback": "No"},
            ],
        )
        authoring.add_question(
            quiz=quiz,
            type="point",
            prompt="Point to the crypt abscess",
            points=2,
            case_slide=case_slide,
            reference={"geometry": {"type": "GeometryCollection", "geometries": [TARGET]},
                       "tolerance": 5, "model_answer": REFERENCE_CANARY},
        )  # fmt: skip
        authoring.add_question(
            quiz=quiz,
            type="outline",
            prompt="Outline the tumour",
            points=2,
            case_slide=case_slide,
            reference={"geometry": TARGET, "full_at": 0.8, "zero_at": 0.3},
        )
        authoring.add_question(
            quiz=quiz,
            type="measure",
            prompt="Measure the depth",
            case_slide=case_slide,
            reference={"geometry": RULER, "tolerance": 10},
        )
        authoring.add_question(
            quiz=quiz,
            type="text",
            prompt="Describe it",
            reference={"model_answer": REFERENCE_CANARY},
        )
        return quiz

    return make


def submitted_attempt(quiz, trainee, payloads=None):
    """A submitted attempt with these answers ({question type, or the question: payload})."""
    from django.utils import timezone

    from courses.assessment import attempts

    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    for kind, payload in (payloads or {}).items():
        question = kind if hasattr(kind, "uuid") else quiz.questions.get(type=kind)
        attempts.save_answer(
            attempt=attempt, question_uuid=question.uuid,
            payload=payload, version=0, now=now,
        )  # fmt: skip
    attempts.submit_attempt(attempt=attempt, now=now)
    return attempt


def question_uuids(quiz) -> list[str]:
    """The quiz's current questions' UUIDs, in its order."""
    from courses.models import Question

    return [str(u) for u in Question.objects.in_quiz(quiz).values_list("uuid", flat=True)]


def attempt_with_feedback_after_each(course, trainee, *, prompt: str, correct: dict):
    """A started attempt at a practice quiz (feedback after each question) of one single-choice
    question: `correct` is the right option, "Lung" the wrong one."""
    from django.utils import timezone

    from courses.assessment import attempts, authoring

    quiz = authoring.create_quiz(
        course=course,
        title="Q",
        kind="practice",
        published=True,
        feedback_policy="after_each",
        opens_at=timezone.now() - timezone.timedelta(hours=1),
    )
    options = [{**correct, "correct": True}, {"text": "Lung"}]
    question = authoring.add_question(quiz=quiz, type="single", prompt=prompt, options=options)
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    return attempt, question, question.choices.get(is_correct=True).key
