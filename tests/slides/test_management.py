"""Educators manage the library: edit, retire, bulk tags, delete refused while used."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses import services as course_services
from slides import pipeline, services, storage
from slides.models import Slide, SlideAlias


@pytest.fixture
def ready_slide(slide_files, make_processed_slide):
    return make_processed_slide("tiff", files=slide_files, title="Breast H&E", approve=True)


@pytest.fixture
def failed_slide(educator, tmp_path):
    bogus = tmp_path / "notes.svs"
    bogus.write_text("this is not a slide")
    slide = services.create_slide(
        uploaded_by=educator, original=bogus, original_name="notes.svs", title="Not a slide"
    )
    return pipeline.run_inline(slide.id)


class TestEdit:
    def test_an_educator_renames_and_retags_a_slide(self, client, educator, ready_slide):
        client.force_login(educator)
        data = {
            "title": "Breast, invasive carcinoma",
            "description": "Core biopsy.",
            "organ": "Breast",
            "stain": "H&E",
            "tags": "Breast, teaching, breast",
        }
        response = client.post(reverse("slides:edit", args=[ready_slide.uuid]), data)
        assert response.status_code == 302
        ready_slide.refresh_from_db()
        assert ready_slide.title == "Breast, invasive carcinoma"
        assert ready_slide.description == "Core biopsy."
        assert sorted(ready_slide.tags.values_list("name", flat=True)) == ["breast", "teaching"]

    @pytest.mark.parametrize(
        ("field", "value"), [("title", "   "), ("title", "x" * 201), ("tags", "y" * 65)]
    )
    def test_invalid_details_are_shown_again_and_nothing_is_saved(
        self, client, educator, ready_slide, field, value
    ):
        client.force_login(educator)
        data = {"title": "New", "organ": "", "stain": "", "tags": "", field: value}
        response = client.post(reverse("slides:edit", args=[ready_slide.uuid]), data)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        ready_slide.refresh_from_db()
        assert ready_slide.title == "Breast H&E"

    def test_the_edit_page_costs_a_fixed_number_of_queries(
        self, client, educator, ready_slide, django_assert_max_num_queries
    ):
        client.force_login(educator)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("slides:edit", args=[ready_slide.uuid])).status_code == 200

    @pytest.mark.parametrize("persona", ["trainee", "examiner"])
    def test_other_roles_get_404(self, request, client, ready_slide, persona):
        client.force_login(request.getfixturevalue(persona))
        url = reverse("slides:edit", args=[ready_slide.uuid])
        assert client.post(url, {"title": "Hacked"}).status_code == 404
        ready_slide.refresh_from_db()
        assert ready_slide.title == "Breast H&E"


class TestBulkTags:
    def test_several_slides_get_a_tag_and_lose_it_again(
        self, client, educator, slide_files, make_processed_slide
    ):
        slides = [
            make_processed_slide("tiff", files=slide_files, title=f"Slide {n}") for n in range(3)
        ]
        chosen = [str(slide.uuid) for slide in slides[:2]]
        client.force_login(educator)
        url = reverse("slides:bulk-tag")
        client.post(url, {"slides": chosen, "tag": "Exam 2027", "action": "add"})
        tagged = Slide.objects.filter(tags__name="exam 2027")
        assert set(tagged.values_list("title", flat=True)) == {"Slide 0", "Slide 1"}
        client.post(url, {"slides": chosen[:1], "tag": "exam 2027", "action": "remove"})
        assert list(tagged.values_list("title", flat=True)) == ["Slide 1"]

    def test_trainees_cannot_tag(self, client, trainee, ready_slide):
        client.force_login(trainee)
        data = {"slides": [str(ready_slide.uuid)], "tag": "x", "action": "add"}
        assert client.post(reverse("slides:bulk-tag"), data).status_code == 404
        assert not ready_slide.tags.filter(name="x").exists()


class TestRetire:
    def test_a_retired_slide_is_hidden_from_the_library_unless_asked(
        self, client, educator, ready_slide
    ):
        client.force_login(educator)
        client.post(reverse("slides:retire", args=[ready_slide.uuid]))
        ready_slide.refresh_from_db()
        assert ready_slide.is_retired
        library = reverse("slides:library")
        assert b"Breast H&amp;E" not in client.get(library).content
        assert b"Breast H&amp;E" in client.get(library, {"retired": "on"}).content
        client.post(reverse("slides:retire", args=[ready_slide.uuid]), {"retired": "no"})
        ready_slide.refresh_from_db()
        assert not ready_slide.is_retired
        assert b"Breast H&amp;E" in client.get(library).content


class TestDelete:
    def test_a_failed_upload_is_deleted_with_its_files(
        self, client, educator, failed_slide, django_capture_on_commit_callbacks
    ):
        assert failed_slide.status == Slide.Status.FAILED
        for folder in (storage.quarantine_dir, storage.incoming_dir, storage.pyramid_dir):
            folder(failed_slide.uuid).mkdir(parents=True, exist_ok=True)
            (folder(failed_slide.uuid) / "leftover").write_text("x")
        client.force_login(educator)
        url = reverse("slides:delete", args=[failed_slide.uuid])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"confirm": "yes"})
        assert response.status_code == 302
        assert not Slide.objects.filter(pk=failed_slide.pk).exists()
        for folder in (storage.quarantine_dir, storage.incoming_dir, storage.pyramid_dir):
            assert not folder(failed_slide.uuid).exists()

    def test_an_unused_slide_loses_its_pyramid_and_alias_links(
        self, client, educator, ready_slide, django_capture_on_commit_callbacks
    ):
        from slides import alias_links

        alias = SlideAlias.objects.create(slide=ready_slide, scope="exam-1")
        alias_links.link_alias(str(alias.alias), str(ready_slide.uuid))
        link = alias_links.linked_pyramid(str(alias.alias))
        assert link.is_symlink()
        client.force_login(educator)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("slides:delete", args=[ready_slide.uuid]), {"confirm": "yes"})
        assert not storage.pyramid_dir(ready_slide.uuid).exists()
        assert not link.is_symlink()

    def test_without_the_confirmation_nothing_is_deleted(self, client, educator, failed_slide):
        client.force_login(educator)
        url = reverse("slides:delete", args=[failed_slide.uuid])
        response = client.post(url)
        assert response.status_code == 200
        assert b"Yes, delete the slide" in response.content
        assert client.get(url).status_code == 200
        assert Slide.objects.filter(pk=failed_slide.pk).exists()

    def test_a_used_slide_is_refused_with_the_courses_cases_and_quizzes(
        self, client, educator, ready_slide, django_assert_max_num_queries
    ):
        course = course_services.create_course(owner=educator, title="Breast pathology")
        module = course_services.add_module(course=course, title="Week 1")
        case = course_services.add_case(module=module, title="Lump in the breast")
        case_slide = course_services.add_case_slide(case=case, slide=ready_slide, stain="H&E")
        _quiz_showing(course, case_slide, title="Breast quiz")
        client.force_login(educator)
        url = reverse("slides:delete", args=[ready_slide.uuid])
        with django_assert_max_num_queries(10):
            page = client.get(url)
        assert b"Yes, delete the slide" not in page.content
        response = client.post(url, {"confirm": "yes"})
        assert response.status_code == 409
        text = response.content.decode()
        for expected in (
            "Course: Breast pathology",
            "Case: Lump in the breast",
            "Quiz: Breast quiz",
        ):
            assert expected in text
        assert Slide.objects.filter(pk=ready_slide.pk).exists()
        assert storage.pyramid_dir(ready_slide.uuid).exists()

    def test_other_roles_get_404(self, client, trainee, failed_slide):
        client.force_login(trainee)
        url = reverse("slides:delete", args=[failed_slide.uuid])
        assert client.post(url, {"confirm": "yes"}).status_code == 404
        assert Slide.objects.filter(pk=failed_slide.pk).exists()


def _quiz_showing(course, case_slide, *, title):
    from courses.assessment import authoring

    quiz = authoring.create_quiz(course=course, title=title)
    authoring.add_question(
        quiz=quiz,
        type="point",
        prompt="Point at the tumour",
        case_slide=case_slide,
        reference={
            "geometry": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Point", "coordinates": [5, 5]}],
            },
            "tolerance": 5,
        },
    )
    return quiz


class TestLiveStatus:
    def test_the_fragment_polls_while_building_and_stops_when_final(
        self, client, educator, failed_slide, django_assert_max_num_queries
    ):
        client.force_login(educator)
        url = reverse("slides:status", args=[failed_slide.uuid])
        with django_assert_max_num_queries(4):
            final = client.get(url)
        assert b"Failed" in final.content and b"hx-trigger" not in final.content
        Slide.objects.filter(pk=failed_slide.pk).update(status="processing")
        building = client.get(url)
        assert b"Processing" in building.content and b'hx-trigger="every 2s"' in building.content

    def test_the_slide_page_badge_polls_while_the_slide_is_built(
        self, client, educator, failed_slide
    ):
        Slide.objects.filter(pk=failed_slide.pk).update(status="uploaded")
        client.force_login(educator)
        page = client.get(reverse("slides:detail", args=[failed_slide.uuid])).content.decode()
        status_url = reverse("slides:status", args=[failed_slide.uuid])
        assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page
