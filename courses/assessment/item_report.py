"""A quiz's item analysis from the marks that count: the score matrix and the options chosen,
handed to the pure `item_analysis` module.

Rows are the candidates the results table shows: each trainee's best submitted attempt, as
`results.quiz_results` chooses it, with each answer's mark as `marking.current_mark` decides it
and the attempt's total from `selectors.attempt_totals`. Columns are the quiz's questions in
its order, archived ones included (`Question.objects.in_quiz(quiz, archived=None)`).

Decided here, for the page, the CSV and the API alike:
- A candidate whose counted attempt still has an answer awaiting an examiner is left out until
  it is marked: a partial total would put them in the wrong 27% group and quartile. The report
  counts them (`awaiting_candidates`, `awaiting_answers`) so that the page can say so.
- A question that not every counted candidate was given (placed in the quiz, or taken out of
  it, while attempts were under way) is not analysed: the figures need a full matrix, and a 0
  for a question a candidate never saw would be unfair. Its line says why (`left_out`).
- The totals that form the groups and the quartiles are the sums over the analysed questions,
  the totals `analyse_items` itself uses, so option quartiles and discrimination agree.
- A mark above the question's points (its points lowered after marking) counts as full marks.
- A chosen option the question no longer offers is not counted; its line counts such choices
  (`unknown_choices`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Answer, Choice, Question, Quiz
from .item_analysis import (
    ItemAnalysis,
    ItemFlag,
    ItemStatistics,
    analyse_items,
    option_frequencies,
    total_quartiles,
)
from .marking_queue import candidate_label
from .results import quiz_results

MIN_CANDIDATES = 5  # below this the figures swing with every candidate: shown, with a warning


@dataclass(frozen=True)
class OptionLine:
    """How often one option was chosen, overall and by quartile of the total (Q1 lowest)."""

    key: str
    text: str
    is_correct: bool
    chosen: int
    by_quartile: tuple[int, int, int, int]
    share_by_quartile: tuple[float | None, float | None, float | None, float | None]

    @property
    def quartiles(self) -> list[tuple[int, float | None]]:
        """(count, share) per quartile, Q1 first: one cell each in a table."""
        return list(zip(self.by_quartile, self.share_by_quartile, strict=True))


@dataclass(frozen=True)
class ItemLine:
    """One question of the quiz: its figures, or why it was not analysed."""

    number: int  # 1-based place among the quiz's questions (archived ones included)
    question: Question
    stats: ItemStatistics | None  # None when not analysed (see `left_out`)
    left_out: str = ""
    options: tuple[OptionLine, ...] = ()  # choice questions that were analysed
    unknown_choices: int = 0

    @property
    def flags(self) -> tuple[ItemFlag, ...]:
        return self.stats.flags if self.stats else ()


@dataclass(frozen=True)
class ItemReport:
    items: tuple[ItemLine, ...]
    analysis: ItemAnalysis
    labels: tuple[str, ...]  # the candidates, as the results table names them
    matrix: tuple[tuple[float, ...], ...]  # labels × analysed questions, in points
    quartile_sizes: tuple[int, int, int, int]
    awaiting_candidates: int  # left out: their counted attempt awaits an examiner
    awaiting_answers: int  # how many answers of those attempts await one

    @property
    def candidates(self) -> int:
        return self.analysis.candidates

    @property
    def enough_candidates(self) -> bool:
        return self.candidates >= MIN_CANDIDATES

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)


def _chosen(payload: dict | None) -> set[str]:
    payload = payload or {}
    if payload.get("choice"):
        return {str(payload["choice"])}
    return {str(key) for key in payload.get("choices") or ()}


def item_report(quiz: Quiz) -> ItemReport:
    """The item analysis of `quiz` (rules in the module docstring), in a fixed number of
    queries whatever the number of candidates and questions."""
    results = quiz_results(quiz, label=lambda attempt: candidate_label(attempt, quiz))
    questions = results.questions
    counted = [row for row in results.rows if not row.total.awaiting]
    awaiting = [row for row in results.rows if row.total.awaiting]
    given = [set(row.attempt.question_order) for row in counted]
    analysed = [i for i, q in enumerate(questions) if all(q.id in ids for ids in given)]
    matrix = tuple(
        tuple(min(float(row.scores[i]), questions[i].points) for i in analysed) for row in counted
    )
    analysis = analyse_items(matrix, [questions[i].points for i in analysed])
    totals = [sum(scores) for scores in matrix]

    choice_questions = [questions[i] for i in analysed if questions[i].is_choice]
    payloads = {
        (attempt_id, question_id): payload
        for attempt_id, question_id, payload in Answer.objects.filter(
            attempt__in=[row.attempt for row in counted], question__in=choice_questions
        ).values_list("attempt_id", "question_id", "payload")
    }
    options: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question__in=choice_questions).order_by(
        "question", "position", "id"
    ):
        options.setdefault(choice.question_id, []).append(choice)

    stats_of = dict(zip(analysed, analysis.items, strict=True))
    quartiles = total_quartiles(totals)
    quartile_sizes = tuple(int((quartiles == q).sum()) for q in range(4))
    items = []
    for index, question in enumerate(questions):
        number = index + 1
        if index not in stats_of:
            had = sum(1 for ids in given if question.id in ids)
            items.append(
                ItemLine(
                    number,
                    question,
                    None,
                    left_out=f"Not analysed: {had} of the {len(counted)} candidates were given "
                    "it (it was placed in the quiz or taken out while attempts were under way).",
                )
            )
            continue
        lines: tuple[OptionLine, ...] = ()
        unknown = 0
        if question.is_choice:
            choices = options.get(question.id, [])
            keys = {choice.key for choice in choices}
            picked = []
            for row in counted:
                chosen = _chosen(payloads.get((row.attempt.pk, question.id)))
                unknown += len(chosen - keys)
                picked.append(chosen & keys)
            frequencies = option_frequencies(picked, [c.key for c in choices], totals)
            lines = tuple(
                OptionLine(
                    choice.key,
                    choice.text,
                    choice.is_correct,
                    counts.chosen,
                    counts.by_quartile,
                    counts.share_by_quartile,
                )
                for choice, counts in zip(choices, frequencies.options, strict=True)
            )
        items.append(ItemLine(number, question, stats_of[index], "", lines, unknown))
    return ItemReport(
        items=tuple(items),
        analysis=analysis,
        labels=tuple(row.label for row in counted),
        matrix=matrix,
        quartile_sizes=quartile_sizes,
        awaiting_candidates=len(awaiting),
        awaiting_answers=sum(row.total.awaiting for row in awaiting),
    )
