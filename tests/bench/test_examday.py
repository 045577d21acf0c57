"""The exam-day benchmark's own correctness: its locust trainees against a live server, and the
database check that says whether answers were lost (bench/examday.py, bench/locustfile.py)."""

from __future__ import annotations

import json
import os

import pytest
from django.db.models import F

from bench import examday
from courses.models import Answer, Attempt

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TRAINEES = 3


@pytest.fixture
def exam_day(live_server, make_processed_slide, slide_files, tmp_path):
    """A few trainees sit a seeded exam for a few seconds; returns (seed settings, what they
    saw)."""
    slide = make_processed_slide("svs", files=slide_files)
    settings = examday.seed(slide=slide, trainees=TRAINEES, tag="test")
    users = tmp_path / "users.json"
    users.write_text(json.dumps(settings))
    env = dict(os.environ) | {
        "EXAMDAY_USERS": str(users),
        "EXAMDAY_OUT": str(tmp_path / "trainees.json"),
        "EXAMDAY_SESSION_S": "6",
        "EXAMDAY_SAVE_S": "2",
    }
    data, _cpu = examday.run_locust(
        host=live_server.url, users=TRAINEES, ramp_s=1, limit_s=40, work=tmp_path, env=env
    )
    return settings, data


def _verify(settings, data):
    return examday.verify(
        quiz_uuid=settings["quiz"], trainees=data["trainees"], usernames=settings["usernames"]
    )


@pytest.mark.timeout(180)
def test_a_clean_run_passes_the_check_and_a_lost_answer_fails_it(exam_day):
    settings, data = exam_day
    summary = examday.summarize(data["records"])
    for kind in ("login", "page", "start", "dzi", "tile", "autosave", "submit"):
        assert summary[kind]["requests"] > 0, kind
    assert summary["login"]["requests"] == TRAINEES
    assert sum(r["server_errors"] + r["no_response"] + r["timeouts"] for r in summary.values()) == 0
    # The browser cache: no trainee fetches a tile twice (each trainee's viewers share a slide).
    for trainee in data["trainees"]:
        assert trainee["tiles"], trainee["username"]
        assert len(trainee["tiles"]) == len(set(trainee["tiles"])), trainee["username"]

    clean = _verify(settings, data)
    assert clean["problems"] == []
    assert clean["attempts"] == TRAINEES
    assert clean["acknowledged_answers"] == TRAINEES
    assert clean["lost"] == 0
    assert all(t["submitted"] for t in data["trainees"])

    # The last acknowledged save of one trainee goes missing: the stored row is a version older.
    first = data["trainees"][0]
    question = next(iter(first["answers"]))
    Answer.objects.filter(attempt__uuid=first["attempt"], question__uuid=question).update(
        version=F("version") - 1
    )
    rolled_back = _verify(settings, data)
    assert rolled_back["lost"] == 1
    assert first["username"] in rolled_back["problems"][0]

    # Same version, other payload: also lost.
    Answer.objects.filter(attempt__uuid=first["attempt"], question__uuid=question).update(
        version=F("version") + 1, payload={"points": [[1, 1]]}
    )
    assert _verify(settings, data)["lost"] == 1

    # A trainee without an attempt is reported too.
    second = data["trainees"][1]
    Attempt.objects.filter(uuid=second["attempt"]).delete()
    missing = _verify(settings, data)
    assert any(second["username"] in p and "0 attempts" in p for p in missing["problems"])
