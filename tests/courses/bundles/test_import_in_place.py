"""Importing a bundle into the portal it came from: a new course, the same slides re-used."""

from __future__ import annotations

from courses.bundles.importer import import_bundle
from courses.models import Attempt, Case, Course, Enrolment, Question, TeachingAnnotation
from slides import storage
from slides.models import Slide

from .conftest import ANSWERS
from .fingerprint import fingerprint


def test_an_import_makes_a_new_course_owned_by_the_importer_that_reuses_the_slides(
    demo_course, bundle_file, other_educator, settings
):
    slides_before = Slide.objects.count()
    pyramids_before = sorted(p.name for p in storage.pyramid_dir("x").parent.iterdir())
    with open(bundle_file, "rb") as source:
        imported = import_bundle(source, owner=other_educator, size=bundle_file.stat().st_size)

    assert imported.pk != demo_course.pk and imported.uuid != demo_course.uuid
    assert imported.owner == other_educator and imported.status == "draft"
    assert list(Enrolment.objects.filter(course=imported).values_list("user", "role")) == [
        (other_educator.id, "educator")
    ]
    assert Slide.objects.count() == slides_before
    assert sorted(p.name for p in storage.pyramid_dir("x").parent.iterdir()) == pyramids_before
    assert not Attempt.objects.filter(quiz__course=imported).exists()
    assert not imported.quizzes.filter(published=True).exists()
    assert Case.objects.filter(module__course=imported).count() == 1
    assert TeachingAnnotation.objects.filter(case_slide__case__module__course=imported).count() == 2
    assert all(a.author_id == other_educator.id for a in TeachingAnnotation.objects.filter(
        case_slide__case__module__course=imported))  # fmt: skip
    assert Question.objects.filter(course=imported).count() == 6
    assert fingerprint(imported, ANSWERS) == fingerprint(demo_course, ANSWERS)
    assert Course.objects.count() == 2
