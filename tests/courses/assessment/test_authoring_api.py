"""The authoring API: add, edit (re-scoring), remove or archive, reorder questions; duplicate a
quiz (courses/assessment/authoring_api.py)."""

from __future__ import annotations

from django.urls import reverse

from courses.models import Question, Quiz

from ..conftest import RULER, TARGET, submitted_attempt


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
    assert body["position"] == quiz.questions.count()
    assert Question.objects.get(uuid=body["uuid"]).quiz == quiz


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


def test_patch_rescores_and_delete_archives_once_answered(client, educator, trainee, quiz_factory):
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"single": {"choice": "b"}})
    question = quiz.questions.get(type="single")
    client.force_login(educator)
    url = reverse("api-question-detail", args=[question.uuid])

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

    response = client.delete(url)
    assert response.json() == {"archived": True}
    question.refresh_from_db()
    assert question.is_archived

    text = quiz.questions.get(type="text")  # the attempt has it too: archived as well
    assert client.delete(reverse("api-question-detail", args=[text.uuid])).json()["archived"]


def test_delete_removes_a_question_no_attempt_has(client, educator, quiz_factory):
    quiz = quiz_factory()
    question = quiz.questions.get(type="text")
    client.force_login(educator)
    response = client.delete(reverse("api-question-detail", args=[question.uuid]))
    assert response.json() == {"archived": False}
    assert not Question.objects.filter(pk=question.pk).exists()


def test_reorder_needs_every_current_question_once(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    uuids = [str(u) for u in quiz.questions.order_by("position").values_list("uuid", flat=True)]
    url = reverse("api-question-order", args=[quiz.uuid])
    response = client.post(url, {"order": uuids[::-1]}, content_type="application/json")
    assert response.status_code == 204
    assert [
        str(u) for u in quiz.questions.order_by("position").values_list("uuid", flat=True)
    ] == uuids[::-1]
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
    question.refresh_from_db()
    assert question.prompt == "Which organ?" and not question.is_archived
