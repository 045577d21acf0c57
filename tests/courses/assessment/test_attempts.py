"""Attempts: start and resume, autosave with versions, deadlines, once-only submission,
automatic scoring and re-scoring with history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.assessment import attempts, authoring, marking
from courses.models import Attempt, Mark

from ..conftest import TARGET


def _uuid(quiz, kind):
    return quiz.questions.get(type=kind).uuid


def test_starting_twice_resumes_the_same_attempt_and_deadline(quiz_factory, trainee):
    quiz = quiz_factory(time_limit_minutes=30)
    now = timezone.now()
    first = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    again = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now + timedelta(minutes=5))
    assert again.pk == first.pk
    assert first.deadline == now + timedelta(minutes=30)


def test_the_deadline_is_capped_by_the_closing_time(quiz_factory, trainee):
    now = timezone.now()
    quiz = quiz_factory(time_limit_minutes=60, closes_at=now + timedelta(minutes=10))
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    assert attempt.deadline == now + timedelta(minutes=10)


def test_a_closed_or_used_up_quiz_cannot_be_started(quiz_factory, trainee):
    now = timezone.now()
    quiz = quiz_factory(opens_at=now + timedelta(hours=1))
    with pytest.raises(ValidationError, match="not open"):
        attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    quiz = quiz_factory()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    attempts.submit_attempt(attempt=attempt, now=now)
    with pytest.raises(ValidationError, match="all your attempts"):
        attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)


def test_saves_carry_versions_and_a_stale_save_is_refused(quiz_factory, trainee):
    quiz = quiz_factory()
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    question = _uuid(quiz, "point")
    first = attempts.save_answer(
        attempt=attempt,
        question_uuid=question,
        payload={"points": [[500, 400]]},
        version=0,
        now=now,
    )
    assert first.version == 1
    second = attempts.save_answer(
        attempt=attempt,
        question_uuid=question,
        payload={"points": [[510, 410]]},
        version=1,
        now=now,
    )
    assert second.version == 2
    with pytest.raises(attempts.StaleSave) as stale:
        attempts.save_answer(
            attempt=attempt,
            question_uuid=question,
            payload={"points": [[1, 1]]},
            version=1,
            now=now,
        )
    assert stale.value.current.payload == {"points": [[510.0, 410.0]]}


def test_a_save_one_second_after_the_deadline_is_refused_and_submits(quiz_factory, trainee):
    quiz = quiz_factory(time_limit_minutes=10)
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    question = _uuid(quiz, "single")
    attempts.save_answer(
        attempt=attempt, question_uuid=question, payload={"choice": "a"}, version=0,
        now=attempt.deadline - timedelta(seconds=1),
    )  # fmt: skip
    with pytest.raises(attempts.AttemptClosed):
        attempts.save_answer(
            attempt=attempt, question_uuid=question, payload={"choice": "b"}, version=1,
            now=attempt.deadline + timedelta(seconds=1),
        )  # fmt: skip
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline
    assert attempt.answers.get(question__uuid=question).payload == {"choice": "a"}


def test_overdue_attempts_are_submitted_by_the_sweep(quiz_factory, trainee):

    quiz = quiz_factory(time_limit_minutes=5)
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    assert attempts.submit_overdue(now=now + timedelta(minutes=4)) == 0
    assert attempts.submit_overdue(now=now + timedelta(minutes=6)) == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.auto_submitted


def test_submitting_scores_every_question_and_only_once(quiz_factory, trainee):
    quiz = quiz_factory()
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    answers = {
        "single": {"choice": "a"},
        "point": {"points": [[500, 400]]},
        "outline": {"geometry": TARGET},
        "measure": {"geometry": {"type": "LineString", "coordinates": [[0, 0], [800, 0]]}},
        "text": {"text": "Glands"},
    }
    for kind, payload in answers.items():
        attempts.save_answer(
            attempt=attempt, question_uuid=_uuid(quiz, kind), payload=payload, version=0, now=now
        )
    assert attempts.submit_attempt(attempt=attempt, now=now) is True
    assert attempts.submit_attempt(attempt=attempt, now=now) is False
    scores = {
        a.question.type: marking.current_mark(list(a.marks.all())) for a in attempt.answers.all()
    }
    assert scores["single"].score == 1
    assert scores["point"].score == 2
    assert scores["outline"].score == 2 and scores["outline"].measures["dice"] == 1
    assert scores["measure"].score == 1  # 800 px at 0.25 µm/px = 200 µm, the reference
    assert scores["text"] is None  # waits for an examiner


def test_changing_the_scoring_rescores_and_keeps_history(quiz_factory, trainee):
    quiz = quiz_factory()
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    question = quiz.questions.get(type="point")
    attempts.save_answer(
        attempt=attempt, question_uuid=question.uuid, payload={"points": [[400, 300]]}, version=0,
        now=now,
    )  # fmt: skip
    attempts.submit_attempt(attempt=attempt, now=now)
    answer = attempt.answers.get(question=question)
    assert marking.current_mark(list(answer.marks.all())).score == 0  # ~24 µm away, tolerance 5
    authoring.edit_question(question=question, reference={"tolerance": 50})
    marks = list(answer.marks.all())
    assert [m.score for m in marks] == [0, 2]
    assert marks[0].reference_version == 1 and marks[1].reference_version == 2


def test_examiner_overrides_need_a_reason_and_are_kept(quiz_factory, trainee, examiner):
    quiz = quiz_factory()
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    attempts.submit_attempt(attempt=attempt, now=now)
    answer = attempt.answers.get(question__type="point")
    with pytest.raises(ValidationError, match="why"):
        marking.examiner_mark(answer=answer, marker=examiner, score=1.5)
    marking.examiner_mark(
        answer=answer, marker=examiner, score=1.5, override_reason="Close enough", comment="Good"
    )
    assert marking.current_mark(list(answer.marks.all())).score == 1.5
    assert list(answer.marks.values_list("stage", flat=True)) == [
        Mark.Stage.AUTO,
        Mark.Stage.EXAMINER,
    ]
    with pytest.raises(ValidationError, match="between"):
        marking.examiner_mark(answer=answer, marker=examiner, score=3, override_reason="x")
