"""Who may renew a tile token (courses.access.slide_for_tiles via portal/tile_renewal.py), and
that removing a trainee from a course ends their tile access within one token cap."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.access import slide_for_tiles
from courses.assessment import attempts
from courses.models import Enrolment
from slides.models import SlideAlias
from slides.tile_tokens import CLOCK_SKEW_SECONDS, expires_at, lifetime_cap, token_is_valid


def renew(client, user, public_id):
    client.force_login(user)
    return client.get(reverse("tile-token-renewal", args=[public_id]))


def test_a_trainee_of_the_course_gets_a_fresh_token_and_dzi_url(client, trainee, case_slide):
    public_id = str(case_slide.slide.uuid)
    response = renew(client, trainee, public_id)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert token_is_valid(public_id, body["token"])
    assert body["expires"] == expires_at(body["token"])
    assert body["dzi_url"] == reverse("slides:dzi", args=[body["token"], public_id])


def test_the_viewer_data_names_the_renewal_url(case_slide):
    from slides.views import viewer_context

    viewer = viewer_context(case_slide.slide)
    assert viewer["renew_url"] == reverse("tile-token-renewal", args=[case_slide.slide.uuid])


def test_unenrolment_refuses_renewal_and_the_old_token_dies_within_the_cap(
    client, trainee, course, case_slide
):
    public_id = str(case_slide.slide.uuid)
    issued_at = timezone.now().timestamp()
    token = renew(client, trainee, public_id).json()["token"]
    services.remove_enrolment(enrolment=Enrolment.objects.get(user=trainee, course=course))

    assert renew(client, trainee, public_id).status_code == 404
    assert slide_for_tiles(trainee, public_id) is None
    # Tiles need no database, so the token they hold still opens tiles for a while...
    assert token_is_valid(public_id, token, now=issued_at + 1)
    # ...but never past the cap (plus the documented clock-skew allowance).
    assert not token_is_valid(public_id, token, now=issued_at + lifetime_cap() + 1)
    assert not token_is_valid(
        public_id, token, now=issued_at + lifetime_cap() + CLOCK_SKEW_SECONDS + 1
    )


def test_outsiders_and_other_courses_trainees_are_refused(
    client, other_trainee, outsider, case_slide
):
    public_id = case_slide.slide.uuid
    assert renew(client, other_trainee, public_id).status_code == 404
    assert renew(client, outsider, public_id).status_code == 404
    client.logout()
    response = client.get(reverse("tile-token-renewal", args=[public_id]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_library_educators_may_renew_any_slide(client, other_educator, ready_slides):
    assert renew(client, other_educator, ready_slides[1].uuid).status_code == 200


def test_an_examiner_of_a_practice_quiz_outside_the_course_may_renew_its_slide(
    client, other_educator, quiz_factory, case_slide, django_user_model
):
    marker = django_user_model.objects.create(username="marker", role="examiner")
    quiz = quiz_factory(kind="practice")
    assert renew(client, marker, case_slide.slide.uuid).status_code == 404
    quiz.examiners.add(marker)
    assert renew(client, marker, case_slide.slide.uuid).status_code == 200


class TestExamAliases:
    @pytest.fixture
    def exam(self, quiz_factory):
        return quiz_factory(kind="exam", feedback_policy="on_release")

    @pytest.fixture
    def alias(self, exam, case_slide):
        return SlideAlias.objects.get(slide=case_slide.slide, scope=f"quiz:{exam.uuid}").alias

    def test_a_trainee_needs_an_attempt(self, client, trainee, exam, alias):
        assert renew(client, trainee, alias).status_code == 404
        attempts.start_attempt(quiz=exam, trainee=trainee, now=timezone.now())
        response = renew(client, trainee, alias)
        assert response.status_code == 200
        assert token_is_valid(str(alias), response.json()["token"])

    def test_a_removed_trainee_with_an_attempt_is_refused(
        self, client, trainee, course, exam, alias
    ):
        attempts.start_attempt(quiz=exam, trainee=trainee, now=timezone.now())
        services.remove_enrolment(enrolment=Enrolment.objects.get(user=trainee, course=course))
        assert renew(client, trainee, alias).status_code == 404

    def test_markers_and_course_educators_may_renew(self, client, examiner, educator, alias):
        assert renew(client, examiner, alias).status_code == 200
        assert renew(client, educator, alias).status_code == 200

    def test_other_educators_are_refused_the_alias(self, client, other_educator, alias):
        # The library lets them open the slide under its own id, never under the exam's alias.
        assert renew(client, other_educator, alias).status_code == 404

    def test_an_alias_of_another_scope_opens_nothing(self, client, educator, case_slide):
        stray = SlideAlias.objects.create(slide=case_slide.slide, scope="elsewhere")
        assert renew(client, educator, stray.alias).status_code == 404
