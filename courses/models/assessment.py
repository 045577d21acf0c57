"""Quizzes and exams answered on the slide, attempts, answers and marks.

Reference data (correct options, reference regions, values, tolerances) lives in
`ReferenceAnswer` and `Choice.is_correct` and must never reach a trainee before the quiz's
feedback policy allows; everything that serialises for trainees goes through
courses/assessment/presenters.py, which reads them only when courses/assessment/selectors.py allows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .teaching import CaseSlide, Course


class QuizQuerySet(models.QuerySet):
    def open_at(self, now) -> QuizQuerySet:
        """The quizzes `Quiz.is_open(now)` is true for, as a query (tested to agree)."""
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            published=True,
            closed_at__isnull=True,
        )

    def live_exams(self, now) -> QuizQuerySet:
        """Exams running now: opened, not yet closed (by time or by hand), marks not released."""
        return self.open_at(now).filter(kind=Quiz.Kind.EXAM, marks_released_at__isnull=True)


class Quiz(models.Model):
    class Kind(models.TextChoices):
        PRACTICE = "practice", "Practice quiz"
        EXAM = "exam", "Exam"

    class Feedback(models.TextChoices):
        AFTER_EACH = "after_each", "After each question"
        AFTER_SUBMISSION = "after_submission", "After submission"
        ON_RELEASE = "on_release", "Only when marks are released"

    class Combination(models.TextChoices):
        MEAN = "mean", "The mean of the two marks"
        LOWER = "lower", "The lower mark"
        HIGHER = "higher", "The higher mark"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRACTICE)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(default=1)
    shuffle_questions = models.BooleanField(default=False)
    feedback_policy = models.CharField(
        max_length=20, choices=Feedback.choices, default=Feedback.AFTER_SUBMISSION
    )
    blind_marking = models.BooleanField(default=False)
    # Two independent blind marks for every answer examiners mark (free text and answers drawn
    # on the slide); marks further apart than the question's tolerance go to a moderator.
    double_marking = models.BooleanField(default=False)
    mark_combination = models.CharField(
        max_length=10, choices=Combination.choices, default=Combination.MEAN
    )
    examiners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Questions come from the course's question bank; one question can be in several quizzes.
    questions = models.ManyToManyField(
        "Question", through="QuizQuestion", related_name="quizzes", blank=True
    )
    published = models.BooleanField(default=False)
    marks_released_at = models.DateTimeField(null=True, blank=True)
    # Closed by hand ("Close exam now") or by releasing an exam's marks; it never reopens.
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["course", "opens_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__gte=1), name="quiz_allows_an_attempt"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exam(self) -> bool:
        return self.kind == self.Kind.EXAM

    def clean(self):
        if self.double_marking and self.feedback_policy == self.Feedback.AFTER_EACH:
            raise ValidationError(
                "Double marking needs the final marks before feedback: choose feedback after "
                "submission or on release."
            )

    @property
    def marks_released(self) -> bool:
        return self.marks_released_at is not None

    def is_open(self, now) -> bool:
        return (
            self.published
            and self.closed_at is None
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    @property
    def alias_scope(self) -> str:
        """The scope of the aliases an exam shows its slides under (`slides.SlideAlias`)."""
        return f"quiz:{self.uuid}"

    def is_live_exam(self, now) -> bool:
        return self.is_exam and self.is_open(now) and not self.marks_released


class QuestionQuerySet(models.QuerySet):
    def in_quiz(self, quiz: Quiz, *, archived: bool | None = False) -> QuestionQuerySet:
        """The questions a quiz gives new attempts (`archived` True: the ones taken out of it
        since attempts had them; None: both), in the quiz's order, each with its placement's
        `position` and `archived_at`. One filter call, so the order and the annotations read
        the same placement row as the filter (a question may be placed in several quizzes)."""
        where = {"placements__quiz": quiz}
        if archived is not None:
            where["placements__archived_at__isnull"] = not archived
        return (
            self.filter(**where)
            .annotate(position=F("placements__position"), archived_at=F("placements__archived_at"))
            .order_by("placements__position", "id")
        )


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TEXT = "text", "Short free text"
        NUMERIC = "numeric", "Number"
        POINT = "point", "Point to it"
        OUTLINE = "outline", "Outline it"
        MEASURE = "measure", "Measure it"

    SPATIAL = (Type.POINT, Type.OUTLINE, Type.MEASURE)
    WITH_OPTIONS = (Type.SINGLE, Type.MULTIPLE)
    # Types no automatic score exists for: every answer waits for an examiner.
    EXAMINER_ONLY = (Type.TEXT,)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The bank the question belongs to; quizzes of the course place it (`QuizQuestion`).
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="question_bank")
    type = models.CharField(max_length=10, choices=Type.choices)
    prompt = models.TextField()
    points = models.FloatField(default=1)
    case_slide = models.ForeignKey(
        CaseSlide, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where the viewer starts (level-0 px); empty = the whole slide.
    start_center_x = models.FloatField(null=True, blank=True)
    start_center_y = models.FloatField(null=True, blank=True)
    start_view_width = models.FloatField(null=True, blank=True)
    # Double marking: two marks further apart than this share of the points need a moderator.
    agreement_tolerance = models.FloatField(default=0.2)
    outcomes = models.ManyToManyField("courses.Outcome", blank=True, related_name="questions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["course", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="question_worth_points"),
            models.CheckConstraint(
                condition=Q(agreement_tolerance__gte=0, agreement_tolerance__lte=1),
                name="agreement_tolerance_a_share",
            ),
            models.CheckConstraint(
                condition=~Q(type__in=["point", "outline", "measure"])
                | Q(case_slide__isnull=False),
                name="spatial_question_has_a_slide",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def is_spatial(self) -> bool:
        return self.type in self.SPATIAL

    @property
    def is_choice(self) -> bool:
        return self.type in (self.Type.SINGLE, self.Type.MULTIPLE)

    @property
    def is_archived(self) -> bool:
        """Taken out of the quiz it was read for (`Question.objects.in_quiz` annotates it)."""
        return getattr(self, "archived_at", None) is not None

    @property
    def needs_examiner(self) -> bool:
        return self.type in self.EXAMINER_ONLY


class QuizQuestion(models.Model):
    """A question's place in a quiz. Taken out of a quiz once attempts had it, the placement is
    archived instead of deleted: those attempts keep the question and its marks; new attempts
    and the quiz's question list leave it out."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="placements")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="placements")
    position = models.PositiveIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quiz", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="question_once_per_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.question} in {self.quiz}"

    @property
    def uuid(self):
        """The placed question's UUID: a quiz's order is given as its questions' UUIDs."""
        return self.question.uuid


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.CharField(max_length=8)
    text = models.CharField(max_length=500)
    feedback = models.CharField(max_length=500, blank=True)
    is_correct = models.BooleanField(default=False)  # reference data: never to trainees early
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="choice_key_once")]

    def __str__(self) -> str:
        return self.text


class ReferenceAnswer(models.Model):
    """The secret answer key of a question, and the parameters that turn answers into scores.

    Changing it after attempts exist re-scores them; `version` counts those changes and every
    automatic mark records the version it was computed with.
    """

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="reference")
    geometry = models.JSONField(null=True, blank=True)  # targets / region / ruler
    value = models.FloatField(null=True, blank=True)  # numeric answer, or length in µm
    tolerance = models.FloatField(default=0)  # numeric tolerance, or µm
    full_at = models.FloatField(default=0.8)  # outline: Dice for full marks
    zero_at = models.FloatField(default=0.3)  # outline: Dice at or below which it scores 0
    model_answer = models.TextField(blank=True)  # free text, for examiners
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="tolerance_not_negative"),
            models.CheckConstraint(
                condition=Q(zero_at__gte=0)
                & Q(zero_at__lt=models.F("full_at"))
                & Q(full_at__lte=1),
                name="outline_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Reference for {self.question}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    question_order = models.JSONField(default=list)  # question ids, fixed at the start
    # Shown instead of the name while marking is blind.
    candidate_number = models.PositiveIntegerField()

    class Meta:
        ordering = ["quiz", "trainee", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "trainee"],
                condition=Q(state="in_progress"),
                name="one_attempt_in_progress",
            ),
            models.UniqueConstraint(
                fields=["quiz", "trainee", "number"], name="attempt_numbers_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress") | Q(submitted_at__isnull=False),
                name="submitted_attempt_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} on {self.quiz} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    def is_past_deadline(self, now) -> bool:
        return self.deadline is not None and now >= self.deadline


class Accommodation(models.Model):
    """One trainee's adjustments to one quiz, set by an educator of its course: extra minutes
    on the time limit and extra attempts. Extra time lengthens the trainee's own time limit
    but never runs past the quiz's closing time, which stays the end of the exam for everyone
    (and of the exam lock): a trainee who needs more should be given a quiz that closes later.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="accommodations")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations"
    )
    extra_minutes = models.PositiveIntegerField(default=0)
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["quiz", "trainee"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "trainee"], name="one_accommodation_per_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.trainee} on {self.quiz}: +{self.extra_minutes} min, +{self.extra_attempts}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    payload = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)  # feedback shown (after each)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question} in {self.attempt}"


class Mark(models.Model):
    """One score given to an answer: automatic, by an examiner, or (double marking) the agreed
    combination of two blind marks or a moderator's. Rows are never changed or deleted: which
    one counts is decided by `courses.assessment.marking.current_mark`, and together they are
    the audit log."""

    class Stage(models.TextChoices):
        AUTO = "auto", "Automatic"
        EXAMINER = "examiner", "Examiner"
        # Double marking: the two blind marks combined by the quiz's rule, once they agree...
        AGREED = "agreed", "Agreed"
        # ...or a moderator's final mark, with a reason, when they do not.
        MODERATED = "moderated", "Moderated"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="marks")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField()
    auto_score = models.FloatField(null=True, blank=True)
    measures = models.JSONField(default=dict, blank=True)
    reference_version = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    comment_x = models.FloatField(null=True, blank=True)  # pinned to the slide (level-0 px)
    comment_y = models.FloatField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0), name="mark_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.score} for {self.answer}"


__all__ = [
    "Accommodation",
    "Answer",
    "Attempt",
    "Choice",
    "Mark",
    "Question",
    "Quiz",
    "QuizQuestion",
    "ReferenceAnswer",
]
