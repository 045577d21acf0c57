"""Races on real PostgreSQL, with threads: simultaneous submits, starts and saves."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from courses.assessment import attempts
from courses.models import Attempt, Mark

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, action) -> list:
    """Run `action()` in `count` threads released at the same instant; returns results or
    exceptions."""
    if connection.vendor != "postgresql":
        pytest.skip("races are tested on PostgreSQL (make test sets DATABASE_URL)")
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_fifty_simultaneous_submits_count_once(quiz_factory, trainee):
    quiz = quiz_factory()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    results = run_together(
        50,
        lambda: attempts.submit_attempt(
            attempt=Attempt.objects.get(pk=attempt.pk), now=timezone.now()
        ),
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count(True) == 1 and results.count(False) == 49
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    # Marked once: one automatic mark per automatically scored question.
    assert Mark.objects.filter(answer__attempt=attempt).count() == 4


def test_twenty_simultaneous_starts_give_one_attempt(quiz_factory, trainee):
    quiz = quiz_factory(attempts_allowed=3)
    results = run_together(
        20, lambda: attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now()).pk
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(quiz=quiz, trainee=trainee).count() == 1


def test_simultaneous_saves_on_one_version_keep_exactly_one(quiz_factory, trainee):
    quiz = quiz_factory()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    question = quiz.questions.get(type="text").uuid

    def save(text):
        return lambda: attempts.save_answer(
            attempt=Attempt.objects.get(pk=attempt.pk), question_uuid=question,
            payload={"text": text}, version=0, now=timezone.now(),
        )  # fmt: skip

    counter = iter(range(10))
    results = run_together(10, lambda: save(f"draft {next(counter)}")())
    saved = [r for r in results if not isinstance(r, Exception)]
    stale = [r for r in results if isinstance(r, attempts.StaleSave)]
    assert len(saved) == 1 and len(stale) == 9
    assert attempt.answers.get(question__uuid=question).payload == saved[0].payload
