"""The pages for editing, removing, restoring and reordering questions, duplicating a quiz, and
previewing it (courses/assessment/views/questions.py, quizzes.py, preview.py)."""

from __future__ import annotations

import json

from django.urls import reverse

from courses.assessment import marking
from courses.models import Answer, Attempt, Question, Quiz

from ..conftest import submitted_attempt


def _options_post(question, **changes) -> dict:
    data = {
        "prompt": question.prompt,
        "points": question.points,
        "options": "Colon\n* Lung || Now right",
        "tolerance": 0,
        "model_answer": "",
    }
    data.update(changes)
    return data


def test_the_edit_page_warns_before_rescoring_submitted_answers(
    client, educator, trainee, quiz_factory
):
    quiz = quiz_factory()
    question = quiz.questions.get(type="single")
    client.force_login(educator)
    url = reverse("courses:question-edit", args=[question.uuid])

    page = client.get(url).content.decode()
    assert "data-rescore-warning" not in page
    assert "* Colon || Right" in page  # the options, ready to edit in the same box

    submitted_attempt(quiz, trainee, {"single": {"choice": "b"}})
    page = client.get(url).content.decode()
    assert "data-rescore-warning" in page and "1 submitted answer to this question" in page


def test_saving_an_edit_rescores_and_the_results_show_the_new_total(
    client, educator, trainee, quiz_factory
):
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"single": {"choice": "b"}})
    question = quiz.questions.get(type="single")
    client.force_login(educator)

    response = client.post(
        reverse("courses:question-edit", args=[question.uuid]), _options_post(question, points=4)
    )

    assert response.status_code == 302
    answer = attempt.answers.get(question=question)
    assert [m.score for m in answer.marks.order_by("id")] == [0, 4]
    assert marking.current_mark(list(answer.marks.all())).score == 4
    question.refresh_from_db()
    assert question.points == 4
    assert list(question.choices.values_list("text", "is_correct", "feedback")) == [
        ("Colon", False, ""),
        ("Lung", True, "Now right"),
    ]


def test_an_invalid_edit_shows_the_form_again_and_changes_nothing(client, educator, quiz_factory):
    quiz = quiz_factory()
    question = quiz.questions.get(type="single")
    client.force_login(educator)
    response = client.post(
        reverse("courses:question-edit", args=[question.uuid]),
        _options_post(question, options="* Colon\n* Lung"),
    )
    assert response.status_code == 200
    assert "exactly one correct option" in response.content.decode()
    assert question.choices.get(is_correct=True).text == "Colon"


def test_a_spatial_question_can_be_redrawn_on_its_page(client, educator, quiz_factory):
    quiz = quiz_factory()
    question = quiz.questions.get(type="outline")
    client.force_login(educator)
    smaller = {"type": "Polygon", "coordinates": [[[411.0, 322.0], [511.0, 322.0],
               [511.0, 422.0], [411.0, 322.0]]]}  # fmt: skip
    response = client.post(
        reverse("courses:question-edit", args=[question.uuid]),
        {
            "prompt": "Outline it again",
            "points": 2,
            "case_slide": str(question.case_slide.uuid),
            "reference_geometry": json.dumps(smaller),
            "full_at": 0.9,
            "zero_at": 0.2,
            "tolerance": 0,
            "start_center_x": 450,
            "start_center_y": 350,
            "start_view_width": 300,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    reference = question.reference
    assert reference.geometry["coordinates"][0][1] == [511.0, 322.0]
    assert (reference.full_at, reference.zero_at) == (0.9, 0.2)
    assert question.start_view_width == 300


def test_the_slide_picker_tells_two_slides_of_one_case_apart(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    page = client.get(
        reverse("courses:question-create", args=[quiz.uuid]) + "?type=outline"
    ).content.decode()
    assert "Case 1 · slide 1 · H&amp;E" in page
    assert "Case 1 · slide 2 · CD20" in page
    assert page.count("data-pick-slide=") == 2
    assert "/thumbnail.jpeg" in page


def test_delete_asks_first_deletes_unanswered_and_archives_answered(
    client, educator, trainee, quiz_factory
):
    quiz = quiz_factory()
    client.force_login(educator)
    text = quiz.questions.get(type="text")
    page = client.get(reverse("courses:quiz-edit", args=[quiz.uuid])).content.decode()
    assert "Delete this question? This cannot be undone." in page

    client.post(reverse("courses:question-delete", args=[text.uuid]))
    assert not Question.objects.filter(pk=text.pk).exists()

    submitted_attempt(quiz, trainee)
    single = quiz.questions.get(type="single")
    response = client.post(reverse("courses:question-delete", args=[single.uuid]), follow=True)
    single.refresh_from_db()
    assert single.is_archived and Answer.objects.filter(question=single).exists()
    page = response.content.decode()
    assert "Question archived" in page
    assert f'data-archived-question="{single.uuid}"' in page
    assert f'data-question-item="{single.uuid}"' not in page

    client.post(reverse("courses:question-restore", args=[single.uuid]))
    single.refresh_from_db()
    assert not single.is_archived


def test_reorder_by_button_and_by_drag(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    before = [str(u) for u in quiz.questions.order_by("position").values_list("uuid", flat=True)]

    client.post(reverse("courses:question-move", args=[before[0]]), {"direction": "down"})
    after = [str(u) for u in quiz.questions.order_by("position").values_list("uuid", flat=True)]
    assert after == [before[1], before[0], *before[2:]]

    url = reverse("courses:question-order", args=[quiz.uuid])
    drag = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    response = client.post(url, {"order": ",".join(reversed(before))}, **drag)
    assert response.status_code == 204
    after = [str(u) for u in quiz.questions.order_by("position").values_list("uuid", flat=True)]
    assert after == list(reversed(before))

    response = client.post(url, {"order": ",".join(before[:2])}, **drag)  # incomplete: refused
    assert response.status_code == 400
    page = client.get(reverse("courses:quiz-edit", args=[quiz.uuid])).content.decode()
    assert "data-reorder-url" in page and "courses/reorder.js" in page


def test_duplicate_makes_a_hidden_copy_and_opens_it(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    response = client.post(reverse("courses:quiz-duplicate", args=[quiz.uuid]))
    copy = Quiz.objects.exclude(pk=quiz.pk).get()
    assert response["Location"] == reverse("courses:quiz-edit", args=[copy.uuid])
    assert copy.title == "Copy of Quiz" and not copy.published
    assert copy.questions.count() == quiz.questions.count()


def test_preview_shows_the_questions_and_records_nothing(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    url = reverse("courses:quiz-preview", args=[quiz.uuid])

    page = client.get(url).content.decode()

    for question in quiz.questions.all():
        assert f'data-question="{question.uuid}"' in page
    assert 'data-answer-mode="edit"' in page  # the attempt page's drawing widgets
    assert "courses/attempt.js" not in page  # nothing there to save answers
    assert "data-answers-url" not in page
    assert "REFERENCE-CANARY" not in page and "411.11" not in page  # no key until asked
    assert not Attempt.objects.filter(quiz=quiz).exists()
    assert not Answer.objects.exists()

    page = client.get(url + "?key=1").content.decode()
    assert "REFERENCE-CANARY" in page and "411.11" in page
    assert "Correct option" in page
    assert not Attempt.objects.exists() and not Answer.objects.exists()


def test_preview_leaves_out_archived_questions(client, educator, trainee, quiz_factory):
    from django.utils import timezone

    from courses.assessment import authoring

    quiz = quiz_factory()
    submitted_attempt(quiz, trainee)
    single = quiz.questions.get(type="single")
    authoring.remove_question(question=single, now=timezone.now())
    client.force_login(educator)
    page = client.get(reverse("courses:quiz-preview", args=[quiz.uuid])).content.decode()
    assert f'data-question="{single.uuid}"' not in page
    assert page.count("data-question=") == quiz.questions.count() - 1


def test_the_quiz_link_takes_its_educator_to_the_editor(
    client, educator, other_educator, quiz_factory
):
    quiz = quiz_factory()
    client.force_login(educator)
    response = client.get(reverse("courses:quiz", args=[quiz.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:quiz-edit", args=[quiz.uuid])
    client.force_login(other_educator)
    assert client.get(reverse("courses:quiz", args=[quiz.uuid])).status_code == 404


def test_preview_and_editing_are_for_the_courses_educators_only(
    client, trainee, other_educator, quiz_factory
):
    quiz = quiz_factory()
    question = quiz.questions.first()
    for user in (trainee, other_educator):
        client.force_login(user)
        assert client.get(reverse("courses:quiz-preview", args=[quiz.uuid])).status_code == 404
        assert client.get(reverse("courses:question-edit", args=[question.uuid])).status_code == 404
        client.post(reverse("courses:question-delete", args=[question.uuid]))
    assert Question.objects.filter(pk=question.pk, archived_at__isnull=True).exists()
