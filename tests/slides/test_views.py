"""Library, upload, detail, review gate and progress pages."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from slides import services, storage
from slides.models import Slide


def _upload(client, path):
    with open(path, "rb") as handle:
        data = {"file": handle, "title": "Uploaded", "organ": "Colon", "stain": "H&E"}
        return client.post(reverse("slides:upload"), data)


class TestLibrary:
    def test_educators_see_every_slide_with_filters(
        self, client, educator, slide_files, make_processed_slide
    ):
        make_processed_slide("svs", files=slide_files, title="Colon biopsy")
        make_processed_slide("tiff", files=slide_files, title="Lymph node")
        client.force_login(educator)
        response = client.get(reverse("slides:library"))
        assert response.status_code == 200
        assert b"Colon biopsy" in response.content and b"Lymph node" in response.content
        filtered = client.get(reverse("slides:library"), {"q": "lymph"})
        assert b"Lymph node" in filtered.content and b"Colon biopsy" not in filtered.content

    def test_the_list_costs_a_fixed_number_of_queries(
        self, client, educator, slide_files, make_processed_slide, django_assert_max_num_queries
    ):
        for number in range(4):
            make_processed_slide("tiff", files=slide_files, title=f"Slide {number}")
        client.force_login(educator)
        # The facets (organ, stain, tag, status) are four more, whatever the number of slides.
        with django_assert_max_num_queries(12):
            assert client.get(reverse("slides:library")).status_code == 200

    @pytest.mark.parametrize("persona", ["trainee", "examiner"])
    def test_other_roles_get_404(self, request, client, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(reverse("slides:library")).status_code == 404
        assert client.get(reverse("slides:upload")).status_code == 404

    def test_anonymous_users_are_sent_to_log_in(self, client, db):
        response = client.get(reverse("slides:library"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_an_empty_library_says_so(self, client, educator):
        client.force_login(educator)
        response = client.get(reverse("slides:library"))
        assert response.status_code == 200
        assert b"Upload" in response.content


class TestUpload:
    def test_an_upload_is_stored_under_a_random_name_and_queued(
        self, client, educator, slide_files, django_capture_on_commit_callbacks
    ):
        client.force_login(educator)
        with django_capture_on_commit_callbacks() as callbacks:
            response = _upload(client, slide_files["canary_svs"])
        slide = Slide.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("slides:detail", args=[slide.uuid])
        assert slide.status == Slide.Status.UPLOADED
        assert slide.source_path == f"{slide.uuid}/slide.svs"
        assert len(callbacks) == 1  # the inspection task, queued after the commit

    def test_a_script_gets_json(self, client, educator, slide_files):
        client.force_login(educator)
        with open(slide_files["svs"], "rb") as handle:
            response = client.post(
                reverse("slides:upload"),
                {"file": handle, "title": "By script"},
                headers={"X-Requested-With": "XMLHttpRequest"},
            )
        assert response.status_code == 201
        assert response.json()["redirect"].startswith("/slides/")

    def test_missing_fields_are_reported(self, client, educator):
        client.force_login(educator)
        response = client.post(
            reverse("slides:upload"), {"title": ""}, headers={"X-Requested-With": "XMLHttpRequest"}
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"file", "title"}
        assert not Slide.objects.exists()


class TestDetailAndReview:
    def test_the_detail_page_shows_progress_and_the_gate(
        self, client, educator, slide_files, make_processed_slide
    ):
        slide = make_processed_slide("svs", files=slide_files)
        client.force_login(educator)
        response = client.get(reverse("slides:detail", args=[slide.uuid]))
        assert response.status_code == 200
        assert b"data-slide-viewer" in response.content
        assert b'name="decision"' in response.content
        progress = client.get(reverse("slides:progress", args=[slide.uuid]))
        assert progress.status_code == 200 and b"slide-progress" in progress.content

    def test_approving_records_who_and_when(
        self, client, educator, slide_files, make_processed_slide
    ):
        slide = make_processed_slide("svs", files=slide_files)
        client.force_login(educator)
        response = client.post(reverse("slides:review", args=[slide.uuid]), {"decision": "approve"})
        assert response.status_code == 302
        slide.refresh_from_db()
        assert slide.status == Slide.Status.READY
        assert slide.reviewed_by == educator and slide.reviewed_at is not None

    def test_rejecting_needs_a_reason_and_deletes_the_tiles(
        self,
        client,
        educator,
        slide_files,
        make_processed_slide,
        django_capture_on_commit_callbacks,
    ):
        slide = make_processed_slide("svs", files=slide_files)
        client.force_login(educator)
        client.post(reverse("slides:review", args=[slide.uuid]), {"decision": "reject"})
        slide.refresh_from_db()
        assert slide.status == Slide.Status.AWAITING_REVIEW
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("slides:review", args=[slide.uuid]),
                {"decision": "reject", "note": "A name is written on the glass"},
            )
        slide.refresh_from_db()
        assert slide.status == Slide.Status.REJECTED
        assert not storage.pyramid_dir(slide.uuid).exists()

    def test_a_slide_cannot_be_reviewed_twice(self, educator, slide_files, make_processed_slide):
        slide = make_processed_slide("svs", files=slide_files, approve=True)
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.reject_slide(slide=slide, reviewer=educator, note="late")

    def test_a_failed_slide_shows_its_reason(self, client, educator, tmp_path):
        bogus = tmp_path / "notes.svs"
        bogus.write_text("this is not a slide")
        slide = services.create_slide(
            uploaded_by=educator, original=bogus, original_name="notes.svs", title="Bogus"
        )
        from slides import pipeline

        slide = pipeline.run_inline(slide.id)
        client.force_login(educator)
        response = client.get(reverse("slides:detail", args=[slide.uuid]))
        assert slide.status == Slide.Status.FAILED
        assert "not a whole-slide image" in slide.failure_reason
        assert slide.failure_reason.encode() in response.content

    @pytest.mark.parametrize("persona", ["trainee", "examiner", "outsider"])
    def test_other_roles_cannot_see_or_review(
        self, request, client, persona, slide_files, make_processed_slide
    ):
        slide = make_processed_slide("svs", files=slide_files)
        client.force_login(request.getfixturevalue(persona))
        for name in ("detail", "progress", "viewer", "thumbnail"):
            assert client.get(reverse(f"slides:{name}", args=[slide.uuid])).status_code == 404
        response = client.post(reverse("slides:review", args=[slide.uuid]), {"decision": "approve"})
        assert response.status_code == 404
        slide.refresh_from_db()
        assert slide.status == Slide.Status.AWAITING_REVIEW

    def test_thumbnails_come_from_the_pyramid(
        self, client, educator, slide_files, make_processed_slide
    ):
        slide = make_processed_slide("svs", files=slide_files)
        client.force_login(educator)
        response = client.get(reverse("slides:thumbnail", args=[slide.uuid]))
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.content))
        assert max(image.size) <= 320 and min(image.size) > 100
