"""Course services: enrolment, join codes, ordering, annotations with versions, tours."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.models import Course, Enrolment, TeachingAnnotation


def test_the_creator_becomes_the_courses_educator(educator):
    course = services.create_course(owner=educator, title="New")
    assert Enrolment.objects.get(course=course).role == "educator"
    assert list(Course.objects.managed_by(educator)) == [course]


def test_enrolling_by_username_and_email_reports_unknown_people(course, educator, other_trainee):
    other_trainee.email = "Someone@Example.org"
    other_trainee.save()
    report = services.enrol(
        course=course,
        identifiers=["someone@example.org", "nobody", "trainee"],
        role="trainee",
        added_by=educator,
    )
    assert report.added == ["other_trainee"]
    assert report.unknown == ["nobody"]
    assert report.updated == []


def test_csv_enrolment_with_roles(course, educator, other_trainee, other_educator):
    data = b"username,role\nother_trainee,trainee\nother_educator,educator\nghost,trainee\n"
    report = services.enrol_from_csv(course=course, data=data, added_by=educator)
    assert sorted(report.added) == ["other_educator", "other_trainee"]
    assert report.unknown == ["ghost"]
    assert Enrolment.objects.get(course=course, user=other_educator).role == "educator"


@pytest.mark.parametrize(
    "data,message",
    [(b"", "empty"), (b"username,role\nx,boss\n", "Unknown role"), (b"\xff\xfe\x00", "UTF-8")],
)
def test_bad_csv_files_are_explained(course, educator, data, message):
    with pytest.raises(ValidationError, match=message):
        services.enrol_from_csv(course=course, data=data, added_by=educator)


def test_the_last_educator_cannot_be_removed(course, educator):
    enrolment = Enrolment.objects.get(course=course, user=educator)
    with pytest.raises(ValidationError, match="at least one educator"):
        services.remove_enrolment(enrolment=enrolment)


def test_join_codes_open_only_published_courses(course, other_trainee):
    services.set_join_code(course=course, enabled=True)
    assert len(course.join_code) == 8
    assert services.join_with_code(user=other_trainee, code=course.join_code.lower()) == course
    assert Enrolment.objects.get(course=course, user=other_trainee).role == "trainee"
    course.status = "draft"
    course.save()
    with pytest.raises(ValidationError):
        services.join_with_code(user=other_trainee, code=course.join_code)
    services.set_join_code(course=course, enabled=False)
    assert course.join_code is None


def test_moving_and_reordering_modules(course):
    second = services.add_module(course=course, title="Stomach")
    first = course.modules.get(title="Colon")
    services.move(item=second, siblings=course.modules.all(), direction="up")
    assert list(course.modules.order_by("position").values_list("title", flat=True)) == [
        "Stomach",
        "Colon",
    ]
    services.reorder(siblings=course.modules.all(), uuids=[str(first.uuid), str(second.uuid)])
    assert list(course.modules.order_by("position").values_list("title", flat=True)) == [
        "Colon",
        "Stomach",
    ]
    with pytest.raises(ValidationError):
        services.reorder(siblings=course.modules.all(), uuids=[str(first.uuid)])


def test_only_reviewed_slides_join_a_case(case, slide_files, make_processed_slide):
    pending = make_processed_slide("svs_ycbcr", files=slide_files, title="Not reviewed")
    with pytest.raises(ValidationError, match="identifier review"):
        services.add_case_slide(case=case, slide=pending, stain="H&E")


def test_case_text_is_stored_as_the_educator_wrote_it(case):
    services.update_case(
        case=case,
        title="T",
        clinical_history="  A **2 cm** mass.\n\n> quoted  ",
        diagnosis="",
        discussion="[x](javascript:alert(1))",
        reveal_allowed=True,
    )
    # Markdown kept as written (sanitising it as HTML would break "> quoted"); the page
    # renders and sanitises it (tests/courses/test_markdown_pages.py).
    assert case.clinical_history == "A **2 cm** mass.\n\n> quoted"
    assert case.discussion == "[x](javascript:alert(1))"


def test_revealing_can_be_turned_off(case, trainee):
    case.reveal_allowed = False
    case.save()
    with pytest.raises(ValidationError):
        services.reveal_diagnosis(user=trainee, case=case)


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[10, 10], [110, 10], [110, 110], [10, 110], [10, 10]]],
}


def test_a_stale_annotation_edit_is_a_conflict(case_slide, educator, other_educator):
    annotation = services.create_annotation(
        case_slide=case_slide,
        author=educator,
        geometry=SQUARE,
        properties={"label": "Gland", "kind": "polygon"},
    )
    first = services.update_annotation(
        annotation=TeachingAnnotation.objects.get(pk=annotation.pk),
        geometry=SQUARE,
        properties={"label": "Gland (edited)", "kind": "polygon"},
        version=1,
    )
    assert first.version == 2
    with pytest.raises(services.VersionConflict) as conflict:
        services.update_annotation(
            annotation=TeachingAnnotation.objects.get(pk=annotation.pk),
            geometry=SQUARE,
            properties={"label": "Overwrite", "kind": "polygon"},
            version=1,
        )
    assert conflict.value.current.label == "Gland (edited)"
    assert TeachingAnnotation.objects.get(pk=annotation.pk).label == "Gland (edited)"


def test_tours_replace_with_a_version_check(case_slide):
    stops = [
        {"center_x": 100, "center_y": 100, "view_width": 500, "text": "Look here"},
        {"center_x": 900, "center_y": 700, "view_width": 200, "rotation": 90, "text": "Then here"},
    ]
    saved = services.replace_tour(case_slide=case_slide, stops=stops, version=0)
    assert saved.tour_version == 1
    assert [s.text for s in saved.tour_stops.order_by("position")] == ["Look here", "Then here"]
    with pytest.raises(services.VersionConflict):
        services.replace_tour(case_slide=case_slide, stops=stops, version=0)
    with pytest.raises(ValidationError, match="outside"):
        services.replace_tour(
            case_slide=case_slide,
            stops=[{"center_x": -5, "center_y": 1, "view_width": 10, "text": "x"}],
            version=1,
        )
