"""The pages for editing, removing, restoring and reordering questions, duplicating a quiz, and
previewing it (courses/assessment/views/questions.py, quizzes.py, preview.py)."""

from __future__ import annotations

import json

from django.urls import reverse

from courses.assessment import marking
from courses.models import Answer, Attempt, Question, Quiz

from ..conftest import question_uuids, submitted_attempt

CONFIRMED = {"confirm": "yes"}


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


def test_remove_asks_first_takes_out_unanswered_and_archives_answered(
    client, educator, trainee, quiz_factory
):
    quiz = quiz_factory()
    client.force_login(educator)
    text = quiz.questions.get(type="text")
    page = client.get(reverse("courses:quiz-edit", args=[quiz.uuid])).content.decode()
    assert "Remove this question from the quiz? It stays in the course’s question bank" in page

    client.post(reverse("courses:question-delete", args=[quiz.uuid, text.uuid]), CONFIRMED)
    assert not quiz.questions.filter(pk=text.pk).exists()
    bank = reverse("courses:question-bank", args=[quiz.course.uuid])
    assert f'data-bank-item="{text.uuid}"' in client.get(bank).content.decode()
    response = client.post(
        reverse("courses:question-bank-delete", args=[text.uuid]), CONFIRMED, follow=True
    )
    assert "Question deleted from the bank." in response.content.decode()
    assert not Question.objects.filter(pk=text.pk).exists()

    submitted_attempt(quiz, trainee)
    single = quiz.questions.get(type="single")
    response = client.post(
        reverse("courses:question-delete", args=[quiz.uuid, single.uuid]), CONFIRMED, follow=True
    )
    assert Question.objects.in_quiz(quiz, archived=True).get() == single
    assert Answer.objects.filter(question=single).exists()
    page = response.content.decode()
    assert "Question archived" in page
    assert f'data-archived-question="{single.uuid}"' in page
    assert f'data-question-item="{single.uuid}"' not in page
    response = client.post(
        reverse("courses:question-bank-delete", args=[single.uuid]), CONFIRMED, follow=True
    )
    assert "take it out of them first" in response.content.decode()

    client.post(reverse("courses:question-restore", args=[quiz.uuid, single.uuid]))
    assert str(single.uuid) in question_uuids(quiz)


def test_bank_questions_are_placed_from_the_quiz_page_and_shared(client, educator, quiz_factory):
    first, second = quiz_factory(), quiz_factory()
    outline = first.questions.get(type="outline")
    client.force_login(educator)
    page = client.get(reverse("courses:quiz-edit", args=[second.uuid])).content.decode()
    assert f'data-bank-question="{outline.uuid}"' in page  # offered: the second lacks it
    assert f'data-bank-question="{second.questions.get(type="outline").uuid}"' not in page

    place = reverse("courses:question-place", args=[second.uuid])
    response = client.post(place, {"question": [str(outline.uuid), "not-a-uuid"]}, follow=True)
    assert "1 question added from the bank." in response.content.decode()
    assert question_uuids(second)[-1] == str(outline.uuid)
    page = response.content.decode()
    assert f'data-bank-question="{outline.uuid}"' not in page
    assert "also in Quiz" in page  # the shared question says where else it is

    edit = client.get(
        reverse("courses:question-edit", args=[outline.uuid]) + f"?quiz={second.uuid}"
    ).content.decode()
    assert "data-shared-warning" in edit
    assert reverse("courses:quiz-edit", args=[second.uuid]) in edit  # back to where it came from
    response = client.post(place, {"question": []}, follow=True)
    assert "Choose at least one question" in response.content.decode()


def test_reorder_by_button_and_by_drag(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    before = question_uuids(quiz)

    client.post(
        reverse("courses:question-move", args=[quiz.uuid, before[0]]), {"direction": "down"}
    )
    assert question_uuids(quiz) == [before[1], before[0], *before[2:]]

    url = reverse("courses:question-order", args=[quiz.uuid])
    drag = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    response = client.post(url, {"order": ",".join(reversed(before))}, **drag)
    assert response.status_code == 204
    assert question_uuids(quiz) == list(reversed(before))

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
    authoring.remove_question(quiz=quiz, question=single, now=timezone.now())
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
        client.post(reverse("courses:question-delete", args=[quiz.uuid, question.uuid]), CONFIRMED)
        client.post(reverse("courses:question-bank-delete", args=[question.uuid]), CONFIRMED)
        assert (
            client.get(reverse("courses:question-bank", args=[quiz.course.uuid])).status_code == 404
        )
    assert str(question.uuid) in question_uuids(quiz)
