"""The OpenAPI schema tells the truth: schemathesis calls every operation as a trainee and as an
educator, on random and on real objects, and every answer must be documented (status, content
type, body shape) and below 500."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courses import services
from courses.assessment import attempts
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Bounded so CI stays near a minute or two on two cores; derandomized so a failure reproduces.
EXAMPLES = {"positive": 20, "negative": 12}


@dataclass
class Tally:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    succeeded: set[str] = field(default_factory=set)  # operations that answered a 2xx


@pytest.fixture
def world(settings, educator, trainee, examiner, course, case, case_slide, quiz_factory,
          slide_files, make_processed_slide) -> dict[str, list]:  # fmt: skip
    """Real objects for every path parameter, so the run reaches 200s and not only 404s."""
    # HTTP Basic hashes the password on every request: a fast hasher keeps the run short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for user in (educator, trainee, examiner):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    awaiting = make_processed_slide("svs", files=slide_files, title="Awaiting review")
    # Two, so a random DELETE that guesses the version leaves one for the PUTs that follow.
    annotations = [
        services.create_annotation(
            case_slide=case_slide,
            author=educator,
            geometry={"type": "Point", "coordinates": [100 * n, 100]},
            properties={"kind": "point", "label": f"Crypt {n}"},
        )
        for n in (1, 2)
    ]
    services.replace_tour(
        case_slide=case_slide,
        stops=[{"center_x": 500, "center_y": 400, "view_width": 800, "text": "Look here"}],
        version=case_slide.tour_version,
    )
    now = timezone.now()
    practice = quiz_factory(feedback_policy="after_each")
    attempt = attempts.start_attempt(quiz=practice, trainee=trainee, now=now)
    marked = quiz_factory()
    finished = attempts.start_attempt(quiz=marked, trainee=trainee, now=now)
    # Marked by hand (text) and automatically (point): marks and overrides differ between them.
    answers = [
        attempts.save_answer(
            attempt=finished,
            question_uuid=marked.questions.get(type=kind).uuid,
            payload=payload,
            version=0,
            now=now,
        )
        for kind, payload in (
            ("text", {"text": "Adenocarcinoma"}),
            ("point", {"points": [[500, 400]]}),
        )
    ]
    attempts.submit_attempt(attempt=finished, now=now)
    return {
        "slide_uuid": [str(awaiting.uuid)],
        "course_uuid": [str(course.uuid)],
        "case_uuid": [str(case.uuid)],
        "case_slide_uuid": [str(case_slide.uuid)],
        "annotation_uuid": [str(annotation.uuid) for annotation in annotations],
        "attempt_uuid": [str(attempt.uuid)],
        # One question of each type, so each type's answer validation is reached.
        "question_uuid": [str(question.uuid) for question in practice.questions.all()],
        "quiz_uuid": [str(practice.uuid), str(marked.uuid)],
        "answer_id": [answer.id for answer in answers],
    }


def _basic(username: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _run_operation(operation, mode, headers, world: dict[str, list], tally: Tally) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode == schemathesis.GenerationMode.POSITIVE:
        # The schema's request examples are valid bodies, which random data seldom is.
        strategy = st.one_of(strategy, *operation.schema.get_strategies_from_examples(operation))

    @settings(
        max_examples=EXAMPLES[mode.value],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: the first failing example is reported as found, which keeps runs short.
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=strategy, data=st.data())
    def run(case, data):
        if data.draw(st.integers(0, 3)):
            # Most examples aim at objects that exist, so bodies (malformed ones too) reach the
            # code behind the lookup and 200 paths are exercised, not only 404s.
            case.path_parameters = {
                name: data.draw(st.sampled_from(world[name])) if name in world else value
                for name, value in case.path_parameters.items()
            }
        response = case.call(headers=headers)
        tally.requests += 1
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        if response.status_code < 300:
            tally.succeeded.add(operation.label)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:
        # Collected rather than raised, so one run reports every operation that is wrong.
        tally.failures.append(f"{mode.value} {operation.label}: {error}")


@pytest.fixture
def connection_kept_open():
    """Calls go through the real WSGI handler in this process, inside the test's transaction:
    like Django's test client, stop the handler closing the connection after each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["trainee", "educator"])
def test_every_operation_answers_as_documented(persona, world, connection_kept_open):
    from portal.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    tally = Tally()
    headers = _basic(persona)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (
            schemathesis.GenerationMode.POSITIVE,
            schemathesis.GenerationMode.NEGATIVE,
        ):
            _run_operation(operation, mode, headers, world, tally)
    print(
        f"{persona}: {len(operations)} operations, {tally.requests} requests, "
        f"{len(tally.succeeded)} operations answered 2xx, statuses {sorted(tally.statuses.items())}"
        f"\n  never 2xx: {sorted({op.label for op in operations} - tally.succeeded)}"
    )
    assert len(operations) >= 25
    assert tally.requests > 10 * len(operations)
    # Real objects were reached, not only 404s: the trainee studies, answers and submits; the
    # educator also writes annotations, tours and marks.
    assert len(tally.succeeded) >= {"trainee": 9, "educator": 15}[persona], tally.succeeded
    assert not [status for status in tally.statuses if status >= 500]
    assert tally.failures == [], "\n\n".join(tally.failures)
