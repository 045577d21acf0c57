"""A quiz with a fixed set of submitted, marked attempts, for the item analysis tests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from courses import services
from courses.assessment import attempts, authoring, marking
from portal.models import Role, User

# Six candidates × Q1 single (1 mark), Q2 multiple (2), Q3 numeric (1), Q4 free text (1, marked
# by the examiner). Q3 is the flawed one: the two strongest got it wrong, a weak one right.
CHOICES_Q1 = {"cand1": "a", "cand2": "a", "cand3": "a", "cand4": "b", "cand5": "c", "cand6": "b"}
CHOICES_Q2 = {"cand1": ["a", "b"], "cand2": ["a", "b"], "cand3": ["a"], "cand4": ["a", "c"],
              "cand5": [], "cand6": ["a"]}  # fmt: skip
VALUES_Q3 = {"cand1": 5, "cand2": 5, "cand3": 3, "cand4": 10, "cand5": 10, "cand6": 1}
MARKS_Q4 = {"cand1": 1, "cand2": 1, "cand3": 0.5, "cand4": 0, "cand5": 0.5, "cand6": 0}
# What those answers score, worked out by hand (rows in name order; totals 4, 4, 2.5, 1, 1.5, 1).
HAND_MATRIX = (
    (1, 2, 0, 1),
    (1, 2, 0, 1),
    (1, 1, 0, 0.5),
    (0, 0, 1, 0),
    (0, 0, 1, 0.5),
    (0, 1, 0, 0),
)
MAX_POINTS = (1, 2, 1, 1)


def _answer(quiz, trainee, payloads, now):
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    for question, payload in payloads.items():
        attempts.save_answer(
            attempt=attempt, question_uuid=question.uuid, payload=payload, version=0, now=now
        )
    attempts.submit_attempt(attempt=attempt, now=now)
    return attempt


@pytest.fixture
def item_quiz(db, educator, examiner, trainee):
    """Returns (quiz, its four questions). cand1 also has a worse first attempt (the best one
    counts); cand7's free-text answer awaits the examiner; cand8 has an attempt in progress."""
    course = services.create_course(owner=educator, title="Exam course")
    course.status = "published"
    course.save()
    names = [f"cand{n}" for n in range(1, 9)]
    for name in names:
        User.objects.create_user(username=name, role=Role.TRAINEE)  # no password: no hashing
    services.enrol(
        course=course, identifiers=[*names, trainee.username], role="trainee", added_by=educator
    )
    services.enrol(course=course, identifiers=[examiner.username], role="examiner",
                   added_by=educator)  # fmt: skip
    now = timezone.now()
    quiz = authoring.create_quiz(
        course=course, title="Item exam", published=True, attempts_allowed=2,
        opens_at=now - timezone.timedelta(hours=1),
    )  # fmt: skip
    quiz.examiners.add(examiner)
    options = [{"text": "Colon", "correct": True}, {"text": "Lung"}, {"text": "Liver"}]
    q1 = authoring.add_question(quiz=quiz, type="single", prompt="Which organ?", options=options)
    q2 = authoring.add_question(
        quiz=quiz, type="multiple", prompt="Which are glands?", points=2,
        options=[{"text": "Crypt", "correct": True}, {"text": "Gland", "correct": True},
                 {"text": "Muscle"}],
    )  # fmt: skip
    q3 = authoring.add_question(
        quiz=quiz, type="numeric", prompt="How many mitoses?",
        reference={"value": 10, "tolerance": 0.5},
    )  # fmt: skip
    q4 = authoring.add_question(quiz=quiz, type="text", prompt="Describe the margin")
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    _answer(quiz, users["cand1"], {q1: {"choice": "b"}}, now)  # the worse attempt
    for name in names[:7]:
        attempt = _answer(
            quiz,
            users[name],
            {
                q1: {"choice": CHOICES_Q1.get(name, "a")},
                q2: {"choices": CHOICES_Q2.get(name, ["a", "b"])},
                q3: {"value": VALUES_Q3.get(name, 10)},
                q4: {"text": f"Answer of {name}"},
            },
            now,
        )
        if name in MARKS_Q4:
            marking.examiner_mark(
                answer=attempt.answers.get(question=q4), marker=examiner, score=MARKS_Q4[name]
            )
    attempts.start_attempt(quiz=quiz, trainee=users["cand8"], now=now)
    return quiz, [q1, q2, q3, q4]
