"""The authoring API: add, edit (re-scoring), take out or archive, reorder questions; the
course's question bank; duplicate a quiz (courses/assessment/authoring_api.py)."""

from __future__ import annotations

from django.urls import reverse

from courses.models import Question, Quiz, QuizQuestion

from ..conftest import RULER, TARGET, question_uuids, submitted_attempt


def test_an_educator_adds_a_question_and_gets_its_answer_key_back(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    case_slide = quiz.questions.get(type="outline").case_slide
    response = client.post(
        reverse("api-question-list", args=[quiz.uuid]),
        {
            "type": "measure",
            "prompt": "Measure it",
            "points": 2,
            "case_slide": str(case_slide.uuid),
            "reference": {"geometry": RULER, "tolerance": 5},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"]["value"] == 200  # 800 px at 0.25 µm/px, from the line
    assert body["quizzes"] == [
        {"quiz": str(quiz.uuid), "position": quiz.questions.count(), "archived": False}
    ]
    assert list(Question.objects.get(uuid=body["uuid"]).quizzes.all()) == [quiz]


def test_a_spatial_question_without_a_reference_is_refused_not_a_crash(
    client, educator, quiz_factory
):
    quiz = quiz_factory()
    client.force_login(educator)
    case_slide = quiz.questions.get(type="outline").case_slide
    url = reverse("api-question-list", args=[quiz.uuid])
    for body in (
        {"type": "measure", "prompt": "x", "points": 1, "case_slide": str(case_slide.uuid)},
        {"type": "measure", "prompt": "x", "points": 1, "case_slide": str(case_slide.uuid),
         "reference": {"geometry": TARGET}},  # a polygon has no length
        {"type": "outline", "prompt": "x", "points": 1},  # no slide
        {"type": "single", "prompt": "x", "points": 1, "options": [{"text": "only"}]},
    ):  # fmt: skip
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
    assert quiz.questions.count() == 5


def test_patch_rescores_and_taking_out_archives_once_answered(
    client, educator, trainee, quiz_factory
):
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"single": {"choice": "b"}})
    question = quiz.questions.get(type="single")
    client.force_login(educator)
    url = reverse("api-question-detail", args=[question.uuid])
    placement = reverse("api-question-placement", args=[quiz.uuid, question.uuid])

    response = client.patch(
        url,
        {"options": [{"text": "Colon"}, {"text": "Lung", "correct": True}]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert [o["correct"] for o in response.json()["options"]] == [False, True]
    assert response.json()["reference"]["version"] == 2
    answer = attempt.answers.get(question=question)
    assert [m.score for m in answer.marks.order_by("id")] == [0, 1]

    response = client.delete(placement)
    assert response.json() == {"archived": True}
    assert QuizQuestion.objects.get(quiz=quiz, question=question).archived_at is not None
    assert str(question.uuid) not in question_uuids(quiz)
    # Attempts were given it: the bank keeps it even once no quiz has it.
    response = client.delete(url)
    assert response.status_code == 400
    assert "take it out of them first" in str(response.json())

    response = client.put(placement)  # restore
    assert response.json()["archived"] is False
    assert question_uuids(quiz)[-1] == str(question.uuid)


def test_taking_out_keeps_the_question_in_the_bank_until_deleted_there(
    client, educator, quiz_factory
):
    quiz = quiz_factory()
    question = quiz.questions.get(type="text")
    client.force_login(educator)
    bank_url = reverse("api-question-detail", args=[question.uuid])
    assert client.delete(bank_url).status_code == 400  # a quiz still has it
    response = client.delete(reverse("api-question-placement", args=[quiz.uuid, question.uuid]))
    assert response.json() == {"archived": False}
    assert not quiz.questions.filter(pk=question.pk).exists()
    bank = client.get(reverse("api-question-bank", args=[quiz.course.uuid])).json()
    assert {"uuid": str(question.uuid), "quizzes": []}.items() <= next(
        q for q in bank if q["uuid"] == str(question.uuid)
    ).items()
    assert client.delete(bank_url).status_code == 204
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_bank_question_placed_in_a_second_quiz_is_shared_not_copied(
    client, educator, trainee, quiz_factory
):
    first, second = quiz_factory(), quiz_factory()
    single = first.questions.get(type="single")
    client.force_login(educator)
    url = reverse("api-question-placement", args=[second.uuid, single.uuid])
    response = client.put(url)
    assert response.status_code == 200, response.content
    assert response.json()["position"] == second.questions.count()
    assert client.put(url).status_code == 400  # once per quiz
    answered = submitted_attempt(second, trainee, {single: {"choice": "b"}})

    client.patch(
        reverse("api-question-detail", args=[single.uuid]),
        {"options": [{"text": "Colon"}, {"text": "Lung", "correct": True}]},
        content_type="application/json",
    )

    assert [c.is_correct for c in first.questions.get(pk=single.pk).choices.all()] == [False, True]
    mark = answered.answers.get(question=single).marks.order_by("id")
    assert [m.score for m in mark] == [0, 1]  # re-scored in the quiz that shares it


def test_reorder_needs_every_current_question_once(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    uuids = question_uuids(quiz)
    url = reverse("api-question-order", args=[quiz.uuid])
    response = client.post(url, {"order": uuids[::-1]}, content_type="application/json")
    assert response.status_code == 204
    assert question_uuids(quiz) == uuids[::-1]
    response = client.post(url, {"order": uuids[:1]}, content_type="application/json")
    assert response.status_code == 400


def test_duplicate_answers_the_hidden_copy(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    response = client.post(reverse("api-quiz-duplicate", args=[quiz.uuid]))
    assert response.status_code == 201
    copy = Quiz.objects.get(uuid=response.json()["uuid"])
    assert copy.title == "Copy of Quiz" and not copy.published
    assert response.json()["question_count"] == 5


def test_trainees_and_other_educators_cannot_author(client, trainee, other_educator, quiz_factory):
    quiz = quiz_factory()
    question = quiz.questions.get(type="single")
    for user in (trainee, other_educator):
        client.force_login(user)
        assert (
            client.delete(reverse("api-question-detail", args=[question.uuid])).status_code == 404
        )
        response = client.patch(
            reverse("api-question-detail", args=[question.uuid]),
            {"prompt": "Hacked"},
            content_type="application/json",
        )
        assert response.status_code == 404
        response = client.delete(reverse("api-question-placement", args=[quiz.uuid, question.uuid]))
        assert response.status_code == 404
    question.refresh_from_db()
    assert question.prompt == "Which organ?" and quiz.questions.filter(pk=question.pk).exists()
