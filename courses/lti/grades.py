"""Assignment and Grade Services: a released quiz's scores, one per trainee, to the gradebook
column (line item) of every LMS course linked to the quiz's course.

Exactly once: a `ScorePost` row per (attempt, line item) is locked while its score is sent and
marked posted after the platform accepted it, so a second run, a retry after an outage, or two
workers at once never send a score the platform already has. A platform error raises (the task
retries with back-off); what was posted before the error stays posted."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import LtiContext, LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from courses.assessment.selectors import attempt_totals
from courses.models import Attempt, Quiz

from .models import ContextCourse, QuizLineItem, ScorePost
from .tool_config import service_connector


@dataclass(frozen=True)
class Outcome:
    posted: int
    already: int


def _service(context: LtiContext) -> AssignmentsGradesService:
    connector = service_connector(context.deployment.registration)
    scopes = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]
    if context.can_publish_scores:
        scopes.append("https://purl.imsglobal.org/spec/lti-ags/scope/score")
    return AssignmentsGradesService(
        connector, {"scope": scopes, "lineitems": context.lineitems_url}
    )


def _line_item(service, quiz: Quiz, context: LtiContext, maximum: float) -> str:
    known = QuizLineItem.objects.filter(quiz=quiz, context=context).first()
    if known is not None:
        return known.url
    # Found by its tag when a crash came between creating it and recording it here.
    item = service.find_or_create_lineitem(
        LineItem().set_tag(str(quiz.uuid)).set_label(quiz.title).set_score_maximum(maximum)
    )
    QuizLineItem.objects.get_or_create(quiz=quiz, context=context, defaults={"url": item.get_id()})
    return item.get_id()


def released_scores(quiz: Quiz) -> dict[int, tuple[Attempt, float, float]]:
    """Per trainee: the best submitted attempt with a complete total (the one the results
    table shows), its score and maximum."""
    attempts = list(
        Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED).order_by("number")
    )
    totals = attempt_totals(attempts)
    scores = {}
    for attempt in attempts:
        total = totals[attempt.pk]
        best = scores.get(attempt.trainee_id)
        if total.score is not None and (best is None or total.score > best[1]):
            scores[attempt.trainee_id] = (attempt, total.score, total.maximum)
    return scores


def _post_one(service, line_item_url: str, attempt: Attempt, sub: str, score, maximum) -> bool:
    post, _ = ScorePost.objects.get_or_create(
        attempt=attempt,
        line_item_url=line_item_url,
        defaults={"score_given": score, "score_maximum": maximum},
    )
    with transaction.atomic():
        post = ScorePost.objects.select_for_update().get(pk=post.pk)
        if post.posted_at is not None:
            return False
        grade = (
            Grade()
            .set_score_given(score)
            .set_score_maximum(maximum)
            .set_user_id(sub)
            .set_timestamp(timezone.now().isoformat())
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
        )
        service.put_grade(grade, LineItem({"id": line_item_url}))
        post.posted_at = timezone.now()
        post.save(update_fields=["posted_at"])
    return True


def _members_of(context: LtiContext, user_ids):
    """The LMS people of this LMS course (not of every course of the registration: a portal
    course linked to two LMS courses posts each person's score to their own course only), known
    by a launch from it (a membership) or by its roster sync (an enrolment it made)."""
    in_context = Q(memberships__context=context) | Q(auth_user__enrolments__lti__context=context)
    return LtiUser.objects.filter(
        in_context, registration=context.deployment.registration, auth_user_id__in=user_ids
    ).distinct()


def post_released_scores(quiz: Quiz) -> Outcome:
    if quiz.marks_released_at is None:
        return Outcome(0, 0)
    scores = released_scores(quiz)
    posted = already = 0
    links = ContextCourse.objects.filter(course=quiz.course).select_related(
        "context__deployment__registration"
    )
    for link in links:
        context = link.context
        if not (context.lineitems_url and context.can_publish_scores):
            continue
        subs = dict(_members_of(context, scores).values_list("auth_user_id", "sub"))
        if not subs:
            continue
        service = _service(context)
        maximum = max(entry[2] for entry in scores.values())
        url = _line_item(service, quiz, context, maximum)
        for trainee_id, sub in subs.items():
            attempt, score, attempt_maximum = scores[trainee_id]
            if _post_one(service, url, attempt, sub, score, attempt_maximum):
                posted += 1
            else:
                already += 1
    return Outcome(posted, already)
