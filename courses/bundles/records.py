"""The rows of an imported course, from a bundle's checked course description.

Every row is new (new ids and UUIDs), validated by its model (`full_clean`, constraints
included) and, for annotations and reference answers, by the editors' own geometry checks, then
saved; the caller holds the transaction. The course starts as a draft owned by
the importing educator, who is its only member and the author of its annotations; quizzes
start unpublished.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from slides import geometry as geo
from slides.models import Slide

from ..assessment import authoring
from ..models import (
    Case,
    CaseSlide,
    Choice,
    Course,
    Enrolment,
    EnrolmentRole,
    Module,
    Question,
    Quiz,
    QuizQuestion,
    ReferenceAnswer,
    TeachingAnnotation,
    TourStop,
)
from . import manifest


def _build(model: type[models.Model], kind: str, record: dict, **links) -> models.Model:
    row = model(**{name: record[name] for name in manifest.ALLOWED[kind]}, **links)
    row.full_clean()
    row.save()
    return row


def _annotation_geometry(record: dict, slide: Slide) -> dict:
    """The shape as the annotation editor's own check leaves it (inside the slide, well formed)."""
    properties = {name: record[name] for name in ("label", "colour", "note", "kind")}
    try:
        geometry, _ = geo.validate_annotation(
            record["geometry"], properties, width=slide.width, height=slide.height
        )
    except geo.GeometryError as error:
        raise ValidationError(f"an annotation: {error}") from error
    return geometry


def _reference(record: dict, question: Question) -> dict:
    """The answer key as the quiz editor's own check leaves it: a spatial question's geometry
    validated against its slide; other questions have no drawing to score against."""
    if not question.is_spatial and record["geometry"] is not None:
        raise ValidationError("a reference answer has a drawing its question does not use")
    try:
        return authoring.validated_reference(question, record)
    except ValidationError as error:
        raise ValidationError(f"a reference answer: {error.messages[0]}") from error


def create_course(document: dict, *, slides: dict[str, Slide], owner) -> Course:
    info = document["course"]
    course = Course(
        **{name: info[name] for name in manifest.ALLOWED["course"]},
        owner=owner,
        cover_slide=slides.get(info["cover_slide"]) if info["cover_slide"] else None,
    )
    course.full_clean(exclude=["owner"])
    course.save()
    Enrolment.objects.create(user=owner, course=course, role=EnrolmentRole.EDUCATOR)
    modules = {r["key"]: _build(Module, "module", r, course=course) for r in document["modules"]}
    cases = {
        r["key"]: _build(Case, "case", r, module=modules[r["module"]]) for r in document["cases"]
    }
    case_slides = {
        r["key"]: _build(
            CaseSlide, "case_slide", r, case=cases[r["case"]], slide=slides[r["slide"]]
        )
        for r in document["case_slides"]
    }
    for r in document["annotations"]:
        case_slide = case_slides[r["case_slide"]]
        _build(
            TeachingAnnotation,
            "annotation",
            {**r, "geometry": _annotation_geometry(r, case_slide.slide)},
            case_slide=case_slide,
            author=owner,
        )
    for r in document["tour_stops"]:
        _build(TourStop, "tour_stop", r, case_slide=case_slides[r["case_slide"]])
    quizzes = {r["key"]: _build(Quiz, "quiz", r, course=course) for r in document["quizzes"]}
    questions = {
        r["key"]: _build(
            Question,
            "question",
            r,
            course=course,
            case_slide=case_slides[r["case_slide"]] if r["case_slide"] else None,
        )
        for r in document["questions"]
    }
    for r in document["placements"]:
        _build(
            QuizQuestion, "placement", r, quiz=quizzes[r["quiz"]], question=questions[r["question"]]
        )
    for r in document["choices"]:
        _build(Choice, "choice", r, question=questions[r["question"]])
    for r in document["references"]:
        question = questions[r["question"]]
        _build(ReferenceAnswer, "reference", _reference(r, question), question=question)
    return course
