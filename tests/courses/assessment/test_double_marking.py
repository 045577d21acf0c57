"""Double marking with moderation (courses/assessment/double_marking.py): two blind marks per
examiner-marked answer, combined when they agree, moderated when they do not, final on release;
and two examiners marking at once on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.assessment import agreement, authoring, double_marking, marking
from courses.assessment import services as assessment_services
from courses.assessment.agreement_report import marker_agreement
from courses.assessment.marking_queue import marking_rows, quizzes_to_mark
from courses.assessment.selectors import attempt_total
from courses.models import Answer, Mark
from portal.models import Role

from ...conftest import _make_user
from ..conftest import submitted_attempt
from .test_attempt_races import run_together

MY_OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[400, 300], [600, 300], [600, 500], [400, 500], [400, 300]]],
}


@pytest.fixture
def second_examiner(course, educator):
    user = _make_user("second_examiner", Role.EXAMINER)
    services.enrol(course=course, identifiers=[user.username], role="examiner", added_by=educator)
    return user


@pytest.fixture
def third_examiner(course, educator):
    user = _make_user("third_examiner", Role.EXAMINER)
    services.enrol(course=course, identifiers=[user.username], role="examiner", added_by=educator)
    return user


@pytest.fixture
def double_exam(quiz_factory, trainee, examiner, second_examiner, third_examiner):
    """A double-marked exam with one submitted attempt: a free-text and an outline answer."""
    quiz = quiz_factory(kind="exam", feedback_policy="on_release", double_marking=True)
    quiz.examiners.add(second_examiner, third_examiner)
    attempt = submitted_attempt(
        quiz, trainee, {"text": {"text": "Glands invade"}, "outline": {"geometry": MY_OUTLINE}}
    )
    return quiz, attempt


def _answer(attempt, kind) -> Answer:
    return attempt.answers.select_related("question", "attempt__quiz").get(question__type=kind)


def _mark(answer, user, score, reason="differs"):
    return marking.examiner_mark(
        answer=Answer.objects.get(pk=answer.pk), marker=user, score=score, override_reason=reason
    )


def test_only_free_text_and_answers_on_the_slide_take_two_marks(double_exam):
    quiz, attempt = double_exam
    kinds = {
        a.question.type: double_marking.needs_two_marks(quiz, a.question)
        for a in attempt.answers.select_related("question")
    }
    assert kinds == {"single": False, "text": True, "point": True, "outline": True, "measure": True}
    # The automatic score of a double-marked answer does not count until the marks agree.
    outline = _answer(attempt, "outline")
    assert outline.marks.filter(stage=Mark.Stage.AUTO).exists()
    assert marking.mark_that_counts(outline, quiz) is None
    assert attempt_total(attempt).score is None and attempt_total(attempt).awaiting == 4


def test_two_agreeing_blind_marks_combine_by_the_quizs_rule(
    client, double_exam, examiner, second_examiner
):
    quiz, attempt = double_exam
    text = _answer(attempt, "text")
    _mark(text, examiner, 1)

    # Blind: the second examiner sees neither the first mark nor a count.
    assert (
        double_marking.status_for(double_marking.DoubleMarks(tuple(text.marks.all())), examiner)
        == "awaiting second mark"
    )
    client.force_login(second_examiner)
    api = reverse("api-answer-marks", args=[text.id])
    assert [m["stage"] for m in client.get(api).json()] == []
    page = client.get(reverse("courses:mark-answer", args=[text.id])).content.decode()
    assert 'data-double-status="to mark"' in page and "by examiner" not in page
    assert marking.mark_that_counts(text, quiz) is None

    _mark(text, second_examiner, 0.9)  # 0.1 apart: within 20% of 1 mark

    final = marking.mark_that_counts(text, quiz)
    assert (final.stage, final.score) == (Mark.Stage.AGREED, pytest.approx(0.95))
    assert [m["stage"] for m in client.get(api).json()] == ["examiner", "examiner", "agreed"]
    with pytest.raises(ValidationError, match="final"):
        _mark(text, examiner, 0.5)


@pytest.mark.parametrize(("rule", "expected"), [("lower", 0.9), ("higher", 1.0), ("mean", 0.95)])
def test_the_combination_rule(double_exam, examiner, second_examiner, rule, expected):
    quiz, attempt = double_exam
    quiz.mark_combination = rule
    quiz.save()
    text = _answer(attempt, "text")
    _mark(text, examiner, 1)
    _mark(text, second_examiner, 0.9)
    assert marking.mark_that_counts(text, quiz).score == pytest.approx(expected)


def test_disagreeing_marks_go_to_a_moderator_who_gives_a_reason(
    client, double_exam, educator, examiner, second_examiner, third_examiner
):
    quiz, attempt = double_exam
    text = _answer(attempt, "text")
    _mark(text, examiner, 1)
    _mark(text, second_examiner, 0.5)  # 0.5 apart: more than 20% of 1 mark
    assert marking.mark_that_counts(text, quiz) is None
    with pytest.raises(ValidationError, match="moderator"):
        _mark(text, third_examiner, 1)  # a third blind mark is refused
    with pytest.raises(ValidationError, match="not a marker"):
        double_marking.moderate(answer=text, moderator=examiner, score=1, reason="mine")
    with pytest.raises(ValidationError, match="release"):
        assessment_services.release_marks(quiz=quiz, now=timezone.now())

    rows = {r["answer"].id: r["status"] for r in marking_rows(quiz, third_examiner)}
    assert rows[text.id] == "to moderate"
    assert {r["answer"].id: r["status"] for r in marking_rows(quiz, examiner)}[text.id] == (
        "in moderation"
    )
    client.force_login(third_examiner)
    url = reverse("courses:mark-answer", args=[text.id])
    page = client.get(url).content.decode()
    assert "data-moderation-form" in page and "data-mark-form" not in page
    response = client.post(url, {"moderate": "1", "moderation-score": "0.75"})
    assert "This field is required" in response.content.decode()  # no reason, no final mark
    response = client.post(
        url, {"moderate": "1", "moderation-score": "0.75", "moderation-reason": "Half right"}
    )
    assert response.status_code == 302
    final = marking.mark_that_counts(text, quiz)
    assert (final.stage, final.score, final.marker) == ("moderated", 0.75, third_examiner)
    assert final.override_reason == "Half right"
    # The audit trail keeps every mark.
    assert list(text.marks.values_list("stage", flat=True).order_by("id")) == [
        "examiner", "examiner", "moderated",
    ]  # fmt: skip


def test_release_waits_for_every_final_mark_and_then_locks_them(
    double_exam, examiner, second_examiner
):
    quiz, attempt = double_exam
    for kind, score in (("text", 1), ("outline", 2), ("point", 2), ("measure", 1)):
        answer = _answer(attempt, kind)
        _mark(answer, examiner, score)
        with pytest.raises(ValidationError, match="still wait"):
            assessment_services.release_marks(quiz=quiz, now=timezone.now())
        _mark(answer, second_examiner, score)
    assessment_services.release_marks(quiz=quiz, now=timezone.now())
    assert attempt_total(attempt).awaiting == 0
    with pytest.raises(ValidationError, match="released"):
        double_marking.moderate(
            answer=_answer(attempt, "text"), moderator=examiner, score=0, reason="late"
        )


def test_the_home_counts_agree_with_the_queue(double_exam, examiner, second_examiner, trainee):
    quiz, attempt = double_exam
    _mark(_answer(attempt, "text"), examiner, 1)
    _mark(_answer(attempt, "outline"), examiner, 2)
    _mark(_answer(attempt, "outline"), second_examiner, 0)  # disagreement
    for user in (examiner, second_examiner):
        rows = marking_rows(quiz, user)
        waiting = sum(1 for row in rows if row["status"] in ("to mark", "to moderate"))
        found = next(item for item in quizzes_to_mark(user) if item.quiz == quiz)
        assert found.to_mark == waiting
        assert found.marked == sum(1 for row in rows if row["status"] == "marked")
    assert (
        next(i for i in quizzes_to_mark(examiner) if i.quiz == quiz).to_mark == 2
    )  # point, measure


def test_double_marking_settings_are_refused_where_they_cannot_work(
    quiz_factory, trainee, examiner
):
    with pytest.raises(ValidationError, match="feedback"):
        quiz_factory(double_marking=True, feedback_policy="after_each")
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"text": {"text": "x"}})
    marking.examiner_mark(answer=_answer(attempt, "text"), marker=examiner, score=1)
    with pytest.raises(ValidationError, match="can no longer be switched"):
        authoring.update_quiz(quiz=quiz, double_marking=True)


@pytest.mark.django_db(transaction=True)
def test_two_examiners_marking_at_the_same_moment_lose_nothing_and_agree_once(
    double_exam, examiner, second_examiner, third_examiner
):
    quiz, attempt = double_exam
    text = _answer(attempt, "text")
    markers = [examiner, second_examiner, third_examiner]
    order = iter(range(3))
    lock = threading.Lock()

    def mark():
        with lock:
            user = markers[next(order)]
        return _mark(text, user, 1)

    results = run_together(3, mark)

    saved = [r for r in results if isinstance(r, Mark)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 2 and len(refused) == 1, results
    stages = list(text.marks.exclude(stage="auto").values_list("stage", flat=True))
    assert sorted(stages) == ["agreed", "examiner", "examiner"]  # one agreement, not two
    assert marking.mark_that_counts(text, quiz).score == 1


def test_agreement_uses_each_markers_first_mark_and_shows_on_the_results_page(
    client, course, educator, quiz_factory, examiner, second_examiner
):
    quiz = quiz_factory(kind="exam", feedback_policy="on_release", double_marking=True)
    quiz.examiners.add(second_examiner)
    first_marks, second_marks = [1, 1, 0, 0.5, 1], [1, 0.5, 0, 0.5, 1]
    for index, (a, b) in enumerate(zip(first_marks, second_marks, strict=True)):
        candidate = _make_user(f"candidate{index}", Role.TRAINEE)
        services.enrol(
            course=course, identifiers=[candidate.username], role="trainee", added_by=educator
        )
        text = _answer(submitted_attempt(quiz, candidate, {"text": {"text": "x"}}), "text")
        _mark(text, examiner, a)
        _mark(text, second_examiner, b)
        if a != b:  # a revision after seeing the other mark is not independent
            _mark(text, examiner, b)

    (row,) = marker_agreement(quiz)
    expected = agreement.agreement(first_marks, second_marks)
    assert row.figures == expected and row.figures.pairs == 5
    assert len(row.plot.points) == 5

    client.force_login(educator)
    page = client.get(reverse("courses:results", args=[quiz.uuid])).content.decode()
    assert "data-marker-agreement" in page
    assert f"{expected.linear_kappa.value:.2f}" in page
    assert page.count('class="bland-altman__point"') == 5


class _CountedMarks(tuple):
    """The marks, counting how often they are read through."""

    reads = 0

    def __iter__(self):
        type(self).reads += 1
        return super().__iter__()


def test_double_marks_reads_the_examiner_marks_once_and_keeps_their_order():
    exam, auto, agreed = Mark.Stage.EXAMINER, Mark.Stage.AUTO, Mark.Stage.AGREED
    marks = _CountedMarks(
        [
            Mark(stage=auto, score=1),
            Mark(stage=exam, marker_id=7, score=2),
            Mark(stage=exam, marker_id=3, score=0),
            Mark(stage=exam, marker_id=7, score=1.5),
            Mark(stage=agreed, score=1),
        ]
    )
    state = double_marking.DoubleMarks(marks)
    assert state.markers == [7, 3] and state.both_in
    assert state.first_by(7).score == 2 and state.newest_by(7).score == 1.5
    assert state.first_by(3).score == state.newest_by(3).score == 0
    assert state.newest_by(99) is None and state.first_by(99) is None
    assert state.final.stage == agreed
    assert state.markers == [7, 3] and state.newest_by(3).score == 0 and state.final.score == 1
    assert _CountedMarks.reads == 2  # once for the examiners' marks, once for the final mark
