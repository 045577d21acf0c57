"""Editing, taking out (or archiving), restoring and reordering questions, the course's question
bank shared by quizzes, and duplicating a quiz (courses/assessment/authoring.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import services as course_services
from courses.assessment import attempts, authoring, marking
from courses.assessment.selectors import attempt_total
from courses.models import Answer, Attempt, Choice, Mark, Question, Quiz, QuizQuestion
from slides.models import SlideAlias

from ..conftest import TARGET, question_uuids, submitted_attempt


def _scores(answer: Answer) -> list[tuple[str, float]]:
    return [(m.stage, m.score) for m in answer.marks.order_by("created_at", "id")]


def test_editing_which_option_is_correct_rescores_submitted_answers_and_keeps_the_old_mark(
    quiz_factory, trainee
):
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"single": {"choice": "b"}})  # "Lung": wrong
    question = quiz.questions.get(type="single")
    answer = attempt.answers.get(question=question)
    assert _scores(answer) == [("auto", 0)]

    authoring.edit_question(
        question=question,
        prompt="Which organ is this really?",
        points=3,
        options=[{"text": "Colon"}, {"text": "Lung", "correct": True, "feedback": "Yes"}],
    )

    assert _scores(answer) == [("auto", 0), ("auto", 3)]
    marks = list(answer.marks.order_by("id"))
    assert [m.reference_version for m in marks] == [1, 2]
    question.refresh_from_db()
    assert question.prompt == "Which organ is this really?" and question.points == 3
    assert list(question.choices.values_list("key", "text", "is_correct")) == [
        ("a", "Colon", False),
        ("b", "Lung", True),
    ]
    total = attempt_total(attempt)
    assert total.maximum == 2 + 2 + 1 + 1 + 3  # the new marks of the single-choice question


def test_rewording_alone_does_not_rescore(quiz_factory, trainee):
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"single": {"choice": "a"}})
    question = quiz.questions.get(type="single")
    authoring.edit_question(question=question, prompt="Which organ, please?")
    answer = attempt.answers.get(question=question)
    assert _scores(answer) == [("auto", 1)]
    assert question.reference.__class__.objects.get(question=question).version == 1


def test_editing_the_outline_thresholds_and_reference_rescores(quiz_factory, trainee):
    quiz = quiz_factory()
    square = {"type": "Polygon", "coordinates": [[[411.11, 322.22], [511.11, 322.22],
              [511.11, 522.22], [411.11, 522.22], [411.11, 322.22]]]}  # fmt: skip
    attempt = submitted_attempt(quiz, trainee, {"outline": {"geometry": square}})  # half the target
    question = quiz.questions.get(type="outline")
    answer = attempt.answers.get(question=question)
    before = marking.current_mark(list(answer.marks.all()))
    assert 0 < before.score < 2  # Dice 2/3: between the thresholds

    authoring.edit_question(question=question, reference={"geometry": square, "zero_at": 0.1})

    after = marking.current_mark(list(answer.marks.all()))
    assert after.score == 2 and after.measures["dice"] == pytest.approx(1)
    assert answer.marks.count() == 2


def test_an_examiners_mark_still_counts_after_a_rescore(quiz_factory, trainee, examiner):
    quiz = quiz_factory()
    attempt = submitted_attempt(quiz, trainee, {"single": {"choice": "b"}})
    question = quiz.questions.get(type="single")
    answer = attempt.answers.get(question=question)
    marking.examiner_mark(answer=answer, marker=examiner, score=0.5, override_reason="Partly")
    authoring.edit_question(
        question=question, options=[{"text": "Colon"}, {"text": "Lung", "correct": True}]
    )
    assert marking.current_mark(list(answer.marks.all())).stage == Mark.Stage.EXAMINER
    assert answer.marks.filter(stage="auto").count() == 2


def test_a_spatial_questions_slide_cannot_change_once_attempts_have_it(quiz_factory, trainee, case):
    quiz = quiz_factory()
    submitted_attempt(quiz, trainee, {})
    question = quiz.questions.get(type="point")
    other = case.case_slides.exclude(pk=question.case_slide_id).get()
    with pytest.raises(ValidationError, match="stay on it"):
        authoring.edit_question(question=question, case_slide=other)
    question.refresh_from_db()
    assert question.case_slide_id != other.pk


def test_the_slide_and_starting_view_change_before_anyone_answers(quiz_factory, case):
    quiz = quiz_factory()
    question = quiz.questions.get(type="outline")
    other = case.case_slides.exclude(pk=question.case_slide_id).get()
    authoring.edit_question(
        question=question,
        case_slide=other,
        start_view=(500.0, 400.0, 800.0),
        reference={"geometry": TARGET},
    )
    question.refresh_from_db()
    assert question.case_slide_id == other.pk
    assert (question.start_center_x, question.start_view_width) == (500.0, 800.0)
    authoring.edit_question(question=question, start_view=None)
    question.refresh_from_db()
    assert question.start_view_width is None


def test_a_broken_edit_changes_nothing(quiz_factory):
    quiz = quiz_factory()
    question = quiz.questions.get(type="single")
    with pytest.raises(ValidationError):
        authoring.edit_question(
            question=question, prompt="Changed", options=[{"text": "Only one", "correct": True}]
        )
    question.refresh_from_db()
    assert question.prompt == "Which organ?"
    assert question.choices.count() == 2


def test_a_question_no_attempt_has_leaves_the_quiz_and_can_then_be_deleted_from_the_bank(
    quiz_factory,
):
    quiz = quiz_factory()
    question = quiz.questions.get(type="text")
    with pytest.raises(ValidationError, match="take it out of them first"):
        authoring.delete_from_bank(question=question)
    assert authoring.remove_question(quiz=quiz, question=question, now=timezone.now()) is False
    assert not QuizQuestion.objects.filter(question=question).exists()
    authoring.delete_from_bank(question=question)
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_question_attempts_have_is_archived_kept_for_them_and_left_out_of_new_attempts(
    quiz_factory, trainee
):
    quiz = quiz_factory(attempts_allowed=2)
    first = submitted_attempt(quiz, trainee, {"single": {"choice": "a"}})
    question = quiz.questions.get(type="single")
    before = attempt_total(first)

    assert authoring.remove_question(quiz=quiz, question=question, now=timezone.now()) is True

    assert Question.objects.in_quiz(quiz, archived=True).get() == question
    assert Question.objects.in_quiz(quiz, archived=True).get().is_archived
    assert Answer.objects.filter(question=question, attempt=first).exists()
    assert attempt_total(first) == before  # its marks still count for the attempt that had it
    assert question not in Question.objects.in_quiz(quiz)
    with pytest.raises(ValidationError, match="Attempts were given"):
        QuizQuestion.objects.filter(quiz=quiz, question=question).delete()  # as if in no quiz
        authoring.delete_from_bank(question=question)
    second = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    assert question.id not in second.question_order
    assert len(second.question_order) == len(first.question_order) - 1


def test_an_archived_question_is_restored_at_the_end(quiz_factory, trainee):
    quiz = quiz_factory()
    submitted_attempt(quiz, trainee, {"single": {"choice": "a"}})
    question = quiz.questions.get(type="single")
    authoring.remove_question(quiz=quiz, question=question, now=timezone.now())
    authoring.restore_question(quiz=quiz, question=question)
    assert question_uuids(quiz)[-1] == str(question.uuid)
    assert not Question.objects.in_quiz(quiz, archived=True).exists()
    with pytest.raises(ValidationError, match="in this quiz already"):
        authoring.restore_question(quiz=quiz, question=question)


def _current(quiz):
    return quiz.placements.filter(archived_at__isnull=True).select_related("question")


def test_moving_and_reordering_questions(quiz_factory):
    quiz = quiz_factory()
    order = question_uuids(quiz)
    first = quiz.placements.get(question__uuid=order[0])
    course_services.move(item=first, siblings=_current(quiz), direction="down")
    assert question_uuids(quiz) == [order[1], order[0], *order[2:]]
    reversed_order = list(reversed(order))
    course_services.reorder(siblings=_current(quiz), uuids=reversed_order)
    assert question_uuids(quiz) == reversed_order


def test_a_question_bank_shared_by_two_quizzes(quiz_factory, trainee):
    """One question placed in two quizzes at different places: each quiz keeps its own order
    and archive state, an edit changes (and re-scores) it in both, and neither quiz's pages
    confuse the two places."""
    first, second = quiz_factory(attempts_allowed=2), quiz_factory(attempts_allowed=2)
    shared = first.questions.get(type="single")
    with pytest.raises(ValidationError, match="this course's bank"):
        other_course = Quiz.objects.create(
            course=first.course.__class__.objects.create(title="Other"), title="Elsewhere"
        )
        authoring.place_question(quiz=other_course, question=shared)
    placement = authoring.place_question(quiz=second, question=shared)
    assert placement.position == 6
    assert question_uuids(first)[0] == str(shared.uuid)
    assert question_uuids(second)[-1] == str(shared.uuid)  # its own place in each quiz
    with pytest.raises(ValidationError, match="in this quiz already"):
        authoring.place_question(quiz=second, question=shared)
    assert Question.objects.filter(course=first.course).count() == 10  # placed, not copied

    in_first = submitted_attempt(first, trainee, {"single": {"choice": "b"}})
    in_second = submitted_attempt(second, trainee, {shared: {"choice": "b"}})
    authoring.edit_question(
        question=shared, options=[{"text": "Colon"}, {"text": "Lung", "correct": True}]
    )
    for attempt in (in_first, in_second):  # re-scored wherever it was answered
        assert _scores(attempt.answers.get(question=shared)) == [("auto", 0), ("auto", 1)]

    # Taking it out of the second quiz archives it there only.
    assert authoring.remove_question(quiz=second, question=shared, now=timezone.now())
    assert str(shared.uuid) not in question_uuids(second)
    assert question_uuids(first)[0] == str(shared.uuid)
    again = attempts.start_attempt(quiz=second, trainee=trainee, now=timezone.now())
    assert shared.id not in again.question_order
    fresh = attempts.start_attempt(quiz=first, trainee=trainee, now=timezone.now())
    assert shared.id in fresh.question_order


def test_a_new_attempt_follows_the_new_order(quiz_factory, trainee):
    quiz = quiz_factory()
    ids = list(Question.objects.in_quiz(quiz).values_list("id", flat=True))
    uuids = [str(Question.objects.get(id=i).uuid) for i in reversed(ids)]
    course_services.reorder(siblings=_current(quiz), uuids=uuids)
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    assert attempt.question_order == list(reversed(ids))


def test_duplicating_copies_settings_questions_options_and_references_unpublished(
    quiz_factory, trainee, examiner
):
    quiz = quiz_factory(kind="exam", time_limit_minutes=30, blind_marking=True)
    submitted_attempt(quiz, trainee, {"single": {"choice": "a"}})
    archived = quiz.questions.get(type="text")
    authoring.remove_question(quiz=quiz, question=archived, now=timezone.now())

    copy = authoring.duplicate_quiz(quiz=quiz)

    assert copy.pk != quiz.pk and copy.title == "Copy of Quiz" and not copy.published
    assert (copy.kind, copy.time_limit_minutes, copy.blind_marking) == ("exam", 30, True)
    assert list(copy.examiners.all()) == [examiner]
    assert not Attempt.objects.filter(quiz=copy).exists()
    originals = list(Question.objects.in_quiz(quiz))
    copies = list(Question.objects.in_quiz(copy))
    assert [(q.type, q.prompt, q.points, q.case_slide_id) for q in copies] == [
        (q.type, q.prompt, q.points, q.case_slide_id) for q in originals
    ]
    assert {q.uuid for q in copies}.isdisjoint({q.uuid for q in originals})
    single = copy.questions.get(type="single")
    assert list(single.choices.values_list("key", "text", "is_correct")) == list(
        quiz.questions.get(type="single").choices.values_list("key", "text", "is_correct")
    )
    outline = copy.questions.get(type="outline")
    assert outline.reference.geometry == TARGET and outline.reference.version == 1
    # Editing the copy leaves the original alone.
    authoring.edit_question(
        question=single, options=[{"text": "X", "correct": True}, {"text": "Y"}]
    )
    assert Choice.objects.filter(question__quizzes=quiz, text="Colon").exists()
    # The copy is an exam with its own aliases.
    slide_ids = {q.case_slide.slide_id for q in copies if q.case_slide}
    assert (
        set(SlideAlias.objects.filter(scope=copy.alias_scope).values_list("slide_id", flat=True))
        == slide_ids
    )
    assert Quiz.objects.filter(course=quiz.course).count() == 2
