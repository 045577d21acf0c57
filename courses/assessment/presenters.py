"""What a trainee is shown of a quiz: the one place that serialises it, so reference data
cannot leak.

Nothing here reads `Choice.is_correct`, `Choice.feedback` or `ReferenceAnswer` unless
`selectors.feedback_visible` says the quiz's feedback policy allows it for that answer and the
exam lock (`selectors.exam_lock`) does not withhold the question while another exam is live.
"""

from __future__ import annotations

from slides.models import SlideAlias
from slides.viewer import viewer_context

from .. import markdown_text
from ..models import Answer, Attempt, Mark, Question, Quiz
from . import marking
from .selectors import ExamLock, exam_lock, feedback_visible


def question_viewer(
    quiz: Quiz, question: Question, number: int, lock: ExamLock | None = None
) -> dict | None:
    """The viewer for a spatial question: under the exam's alias, with a neutral title, starting
    where the educator chose (unless a live exam on the slide withholds that too: a starting
    view may be centred on the answer)."""
    if question.case_slide is None:
        return None
    slide = question.case_slide.slide
    public_id = None
    if quiz.is_exam:
        alias = SlideAlias.objects.filter(scope=quiz.alias_scope, slide=slide).first()
        public_id = alias.alias if alias else None
        if public_id is None:
            return None  # never fall back to the teaching id in an exam
    viewer = viewer_context(slide, public_id=public_id, title=f"Question {number}")
    if viewer is not None and question.start_view_width and lock is None:
        viewer["start"] = {
            "center_x": question.start_center_x,
            "center_y": question.start_center_y,
            "view_width": question.start_view_width,
        }
    return viewer


def question_for_trainee(
    quiz: Quiz,
    attempt: Attempt | None,
    question: Question,
    answer: Answer | None,
    number: int,
    lock: ExamLock | None = None,
) -> dict:
    """A trainee-safe description of one question with their answer, and feedback if the policy
    allows it and no live exam (`lock`) withholds it."""
    item = {
        "uuid": str(question.uuid),
        "number": number,
        "type": question.type,
        "type_display": question.get_type_display(),
        "prompt": question.prompt,
        "points": question.points,
        "choices": [{"key": c.key, "text": c.text} for c in question.choices.all()],
        "viewer": question_viewer(quiz, question, number, lock) if question.is_spatial else None,
        "payload": answer.payload if answer else {},
        "version": answer.version if answer else 0,
        "saved_at": answer.saved_at.isoformat() if answer and answer.saved_at else None,
        "checked": bool(answer and answer.checked_at),
        "feedback": None,
        "withheld": lock.sentence if lock is not None else None,
    }
    if answer is not None and lock is None and feedback_visible(quiz, attempt, answer):
        item["feedback"] = _feedback(quiz, question, answer)
    return item


def feedback_sentence(question: Question, mark: Mark | None) -> tuple[str, bool]:
    """The one sentence telling the trainee how their answer did, and whether an examiner's
    override decided it. It follows the mark that counts: the automatic sentence ("Your outline
    matches the region") only while the mark is the automatic score; once an examiner has
    given a different mark, a sentence about that mark instead, so the words never contradict
    the number shown beside them."""
    if mark is None:
        return "", False
    automatic = mark.measures.get("feedback", "")
    same = mark.auto_score is not None and abs(mark.score - mark.auto_score) < 1e-9
    if mark.stage != Mark.Stage.EXAMINER or same:
        return automatic, False
    if mark.auto_score is None:
        return "", False  # marked only by an examiner (free text): the mark speaks for itself
    if mark.score >= question.points - 1e-9:
        verdict = "gave it full marks"
    elif mark.score > 0:
        verdict = "gave it part of the marks"
    else:
        verdict = "gave it no marks"
    return (
        f"An examiner reviewed this answer and {verdict}, instead of the automatic score; "
        "the measures below are what the automatic comparison found.",
        True,
    )


def _answer_key(question: Question) -> dict:
    """The reference data; the educator's Markdown with its sanitised rendering (`*_html`) for
    the page's script (attempt-feedback.js) to show as is."""
    reference = getattr(question, "reference", None)
    feedback = {c.key: c.feedback for c in question.choices.all() if c.feedback}
    model_answer = reference.model_answer if reference else ""
    return {
        "correct_choices": [c.key for c in question.choices.all() if c.is_correct],
        "choice_feedback": feedback,
        "choice_feedback_html": {k: markdown_text.render_inline(v) for k, v in feedback.items()},
        "reference_geometry": reference.geometry if reference and question.is_spatial else None,
        "reference_value": reference.value if reference else None,
        "model_answer": model_answer,
        "model_answer_html": markdown_text.render(model_answer),
    }


def _feedback(quiz: Quiz, question: Question, answer: Answer) -> dict:
    mark = marking.mark_that_counts(answer, quiz, question)
    sentence, overridden = feedback_sentence(question, mark)
    return {
        "score": mark.score if mark else None,
        "pending": mark is None,
        "sentence": sentence,
        "overridden": overridden,
        "comment": mark.comment if mark and mark.stage == "examiner" else "",
        "comment_at": [mark.comment_x, mark.comment_y]
        if mark and mark.comment_x is not None
        else None,
        # The automatic sentence goes out only as `sentence`, when the mark agrees with it.
        "measures": {
            k: v
            for k, v in (mark.measures if mark else {}).items()
            if k not in ("fraction", "feedback")
        },
        **_answer_key(question),
    }


def attempt_questions(attempt: Attempt) -> list[dict]:
    quiz = attempt.quiz
    questions = {
        q.id: q
        for q in Question.objects.filter(id__in=attempt.question_order)
        .select_related("case_slide__slide", "reference")
        .prefetch_related("choices")
    }
    answers = {a.question_id: a for a in attempt.answers.prefetch_related("marks").all()}
    lock = exam_lock(attempt.trainee).quiz(quiz)
    return [
        question_for_trainee(quiz, attempt, questions[qid], answers.get(qid), number, lock)
        for number, qid in enumerate(attempt.question_order, start=1)
        if qid in questions
    ]


def preview_questions(quiz: Quiz, *, answer_key: bool) -> list[dict]:
    """The quiz's current questions as a new attempt would show them (in order, unshuffled), for
    its educators; with `answer_key`, each also carries its key (correct options, reference,
    value, explanation) the way feedback shows it, without a score. Reads no attempt."""
    questions = (
        Question.objects.in_quiz(quiz)
        .select_related("case_slide__slide", "reference")
        .prefetch_related("choices")
    )
    items = []
    for number, question in enumerate(questions, start=1):
        item = question_for_trainee(quiz, None, question, None, number)
        if answer_key:
            item["feedback"] = {**_answer_key(question), "preview": True, "measures": {}}
        items.append(item)
    return items
