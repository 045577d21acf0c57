"""A small published course with one case of two slides, shared by the courses tests."""

from __future__ import annotations

import pytest

from courses import services


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


@pytest.fixture
def case(course):
    return course.modules.get().cases.get()


@pytest.fixture
def case_slide(case):
    return case.case_slides.order_by("position").first()
