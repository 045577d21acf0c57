"""(f) Exam day: N trainees sit one exam against the README deployment, driven by locust.

For each N: a fresh exam (point, outline, measure and a choice question on the benchmark's
slide, under the exam's alias) in a course with N fresh trainee accounts; locust
(`bench/locustfile.py`, headless, a subprocess) logs them in over the ramp, each works for the
session time (panning, autosaving every ~10 s) and submits. Halfway through, one gunicorn worker
is killed with SIGKILL. Afterwards the database is checked against what the trainees were told
(`verify`): one attempt each, every acknowledged autosave stored.

Accounts are distinct per run and signed in with their right password, so django-axes (which
counts failures per account and per address) never sees a failure; `verify` fails the run's
verdict if any login was refused.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cpuload, procs
from .environment import OUT, ROOT

PASSWORD = "exam-day-benchmark-password"  # throwaway accounts in the bench database
KINDS = ("login", "page", "start", "dzi", "tile", "autosave", "submit")
TARGETS_MS = {"tile": 250.0, "autosave": 500.0, "page": 1000.0, "login": 1500.0}
TARGET_N = 200


@dataclass
class ExamDayConfig:
    trainees: tuple[int, ...] = (100, 200, 400)
    ramp_s: float = 60.0
    session_s: float = 75.0
    save_s: float = 10.0
    kill_worker: bool = True
    # The README's deployment: nginx with the shipped configuration in front of gunicorn.
    behind_nginx: bool = True
    # gunicorn's worker model; None keeps the README's (bench.servers.WORKERS/THREADS).
    workers: int | None = None
    threads: int | None = None
    pictures: Path = ROOT / "bench" / "examday"
    notes: list[str] = field(default_factory=list)


def seed(*, slide, trainees: int, tag: str, password: str = PASSWORD) -> dict:
    """An exam on `slide` in a new published course with `trainees` new enrolled accounts.
    Returns what locust needs: {"password", "quiz", "usernames"}."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from courses import services as course_services
    from courses.assessment import authoring
    from courses.models import Quiz
    from portal.models import Role, User
    from slides import services as slide_services

    educator, _ = User.objects.get_or_create(
        username="examday-educator", defaults={"role": Role.EDUCATOR}
    )
    if slide.status != slide.Status.READY:
        slide = slide_services.approve_slide(slide=slide, reviewer=educator)
    course = course_services.create_course(owner=educator, title=f"Exam day {tag}")
    course_services.update_course(
        course=course, title=course.title, description="", status="published", cover_slide=None
    )
    module = course_services.add_module(course=course, title="Exam")
    case = course_services.add_case(module=module, title="Exam case")
    case_slide = course_services.add_case_slide(case=case, slide=slide, stain="H&E")
    hashed = make_password(password)  # one hash for all: hashing N times would take minutes
    usernames = [f"examday-{tag}-{i:04d}" for i in range(trainees)]
    User.objects.bulk_create(
        [User(username=name, role=Role.TRAINEE, password=hashed) for name in usernames]
    )
    course_services.enrol(course=course, identifiers=usernames, role="trainee", added_by=educator)
    now = timezone.now()
    quiz = authoring.create_quiz(
        course=course,
        title=f"Exam day {tag}",
        kind=Quiz.Kind.EXAM,
        attempts_allowed=1,
        time_limit_minutes=120,
        feedback_policy=Quiz.Feedback.ON_RELEASE,
        published=True,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    w, h = slide.width, slide.height
    cx, cy = w / 2, h / 2
    authoring.add_question(
        quiz=quiz,
        type="point",
        prompt="Click on the most atypical nucleus.",
        case_slide=case_slide,
        start_view=(cx, cy, min(w, 4000)),
        reference={
            "geometry": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Point", "coordinates": [cx, cy]}],
            },
            "tolerance": 50,
        },
    )
    box = [[cx - 500, cy - 400], [cx + 500, cy - 400], [cx + 500, cy + 400], [cx - 500, cy + 400]]
    authoring.add_question(
        quiz=quiz,
        type="outline",
        prompt="Outline the tumour.",
        case_slide=case_slide,
        reference={
            "geometry": {"type": "Polygon", "coordinates": [[*box, box[0]]]},
            "full_at": 0.8,
            "zero_at": 0.3,
        },
    )
    authoring.add_question(
        quiz=quiz,
        type="measure",
        prompt="Measure the tumour's greatest width.",
        case_slide=case_slide,
        reference={
            "geometry": {"type": "LineString", "coordinates": [box[0], box[2]]},
            "tolerance": 60,
        },
    )
    authoring.add_question(
        quiz=quiz,
        type="single",
        prompt="Which organ?",
        options=[{"text": "Breast", "correct": True}, {"text": "Lung"}],
    )
    return {"password": password, "quiz": str(quiz.uuid), "usernames": usernames}


def verify(*, quiz_uuid: str, trainees: list[dict], usernames: list[str]) -> dict:
    """Check the database against what the trainees were told. A lost answer: the stored
    version is older than the last acknowledged one, or the same version with another payload.
    A stored version newer than the acknowledged one is a save whose answer was lost on the way
    back (e.g. the worker was killed after the commit): it must be one this trainee sent."""
    from django.db.models import Count

    from courses.models import Answer, Attempt

    attempts = {
        row["trainee__username"]: row
        for row in Attempt.objects.filter(quiz__uuid=quiz_uuid)
        .values("trainee__username")
        .annotate(n=Count("id"))
    }
    states = dict(Attempt.objects.filter(quiz__uuid=quiz_uuid).values_list("uuid", "state"))
    stored = {
        (str(a), str(q)): (v, p)
        for a, q, v, p in Answer.objects.filter(attempt__quiz__uuid=quiz_uuid).values_list(
            "attempt__uuid", "question__uuid", "version", "payload"
        )
    }
    problems: list[str] = []
    acknowledged = lost = unacknowledged_landed = 0
    seen = {t["username"] for t in trainees}
    for name in usernames:
        if name not in seen:
            problems.append(f"{name}: never started")
    for trainee in trainees:
        name = trainee["username"]
        if trainee.get("error"):
            problems.append(f"{name}: {trainee['error']}")
        count = attempts.get(name, {}).get("n", 0)
        if count != 1 and trainee.get("attempt"):
            problems.append(f"{name}: {count} attempts")
        if trainee.get("submitted"):
            state = states.get(_uuid(trainee["attempt"]))
            if state != "submitted":
                problems.append(f"{name}: submit acknowledged, attempt is {state}")
        for question, answer in trainee.get("answers", {}).items():
            if not answer["acked"]:
                continue
            acknowledged += 1
            version, payload = stored.get((trainee["attempt"], question), (0, None))
            if version < answer["acked"] or (
                version == answer["acked"] and payload != answer["acked_payload"]
            ):
                lost += 1
                problems.append(
                    f"{name}: answer {question} lost (acknowledged v{answer['acked']}, "
                    f"stored v{version})"
                )
            elif version > answer["acked"]:
                unacknowledged_landed += 1
                if str(version) not in answer["sent"]:
                    problems.append(f"{name}: answer {question} v{version} was never sent")
    return {
        "trainees": len(usernames),
        "attempts": sum(row["n"] for row in attempts.values()),
        "acknowledged_answers": acknowledged,
        "lost": lost,
        "unacknowledged_landed": unacknowledged_landed,
        "problems": problems,
    }


def _uuid(text: str):
    import uuid

    return uuid.UUID(text)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of unsorted values (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summarize(records: list) -> dict[str, dict]:
    """Per kind: requests, rate over the span of that kind's requests, p50/p95/p99 (ms, client
    timeouts counted at the time waited), responses >= 500, no response (reset or refused),
    client timeouts, other unexpected statuses."""
    by_kind: dict[str, list] = {}
    for at, kind, ms, status in records:
        by_kind.setdefault(kind, []).append((at, ms, status))
    ok_statuses = {200, 302, 409}
    summary = {}
    for kind in [k for k in KINDS if k in by_kind] + sorted(set(by_kind) - set(KINDS)):
        rows = by_kind[kind]
        times = [ms for _, ms, status in rows if status]  # a timeout is a wait too
        span = max(at for at, _, _ in rows) - min(at for at, _, _ in rows)
        summary[kind] = {
            "requests": len(rows),
            "rate": len(rows) / span if span > 0 else 0.0,
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99),
            "server_errors": sum(1 for _, _, s in rows if s >= 500),
            "no_response": sum(1 for _, _, s in rows if s == 0),
            "timeouts": sum(1 for _, _, s in rows if s < 0),
            "other_errors": sum(1 for _, _, s in rows if 0 < s < 500 and s not in ok_statuses),
            "conflicts": sum(1 for _, _, s in rows if s == 409),
        }
    return summary


def gunicorn_workers(master: int) -> list[int]:
    """Pids of the worker processes of the gunicorn master `master` (which we started)."""
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def run_locust(*, host: str, users: int, ramp_s: float, limit_s: float, work: Path, env: dict):
    """locust headless as a subprocess, bounded; returns (its output JSON, CPU seconds)."""
    log = work / "locust.log"
    args = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        f"{users / max(ramp_s, 1.0):.3f}",
        "-t",
        f"{int(limit_s)}s",
        "--stop-timeout",
        "30",
        "--loglevel",
        "WARNING",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = procs.start(args, log=log, env=env, cwd=ROOT)
    try:
        proc.wait(timeout=limit_s + 120)
    except subprocess.TimeoutExpired as error:
        raise procs.ProcessFailed(f"locust did not finish; see {log}") from error
    finally:
        procs.stop(proc, grace=5)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = Path(env["EXAMDAY_OUT"])
    if not out.exists():
        raise procs.ProcessFailed(f"locust wrote no results (exit {proc.returncode}); see {log}")
    return json.loads(out.read_text()), cpu


def warm_up(port: int, requests: int = 32) -> None:
    """A few parallel page loads first, so every gunicorn worker has imported and connected
    before the clock starts: on exam day the servers have been up for hours."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    def get(_):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
        finally:
            conn.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(get, range(requests)))


def run_one(*, portal_port: int, portal_pid: int | None, slide, n: int, config: ExamDayConfig):
    """One exam day with `n` trainees; returns its results (summary, verification, timeline)."""
    tag = f"n{n}-{time.strftime('%H%M%S')}"
    work = OUT / "examday" / tag
    work.mkdir(parents=True, exist_ok=True)
    settings = seed(slide=slide, trainees=n, tag=tag)
    (work / "users.json").write_text(json.dumps(settings))
    env = dict(os.environ) | {
        "EXAMDAY_USERS": str(work / "users.json"),
        "EXAMDAY_OUT": str(work / "trainees.json"),
        "EXAMDAY_SESSION_S": str(config.session_s),
        "EXAMDAY_SAVE_S": str(config.save_s),
    }
    warm_up(portal_port)
    killed: dict = {}

    def kill_one_worker() -> None:
        workers = gunicorn_workers(portal_pid) if portal_pid else []
        if workers:
            os.kill(workers[0], signal.SIGKILL)  # a worker of the gunicorn we started
            killed.update(pid=workers[0], wall=time.time())

    timer = None
    if config.kill_worker and portal_pid:
        timer = threading.Timer(config.ramp_s + config.session_s / 2, kill_one_worker)
        timer.start()
    # Room for slow logins: a trainee's session starts when its exam does, not when it spawns.
    limit = config.ramp_s + config.session_s + 150
    before = cpuload.snapshot()
    try:
        data, locust_cpu = run_locust(
            host=f"http://127.0.0.1:{portal_port}",
            users=n,
            ramp_s=config.ramp_s,
            limit_s=limit,
            work=work,
            env=env,
        )
    finally:
        if timer is not None:
            timer.cancel()
    cpu = cpuload.usage(before, cpuload.snapshot())
    records = data["records"]
    wall = max((at for at, *_ in records), default=0.0)
    result = {
        "trainees": n,
        "ramp_s": config.ramp_s,
        "session_s": config.session_s,
        "seconds": wall,
        "summary": summarize(records),
        "verification": verify(
            quiz_uuid=settings["quiz"], trainees=data["trainees"], usernames=settings["usernames"]
        ),
        "cpu": cpu,
        "failures": dict(
            sorted((data.get("failures") or {}).items(), key=lambda item: -item[1])[:8]
        ),
        "locust_cores": round(locust_cpu / wall, 2) if wall else None,
        "killed_worker_at_s": round(killed["wall"] - data["epoch_wall"], 1) if killed else None,
    }
    picture = config.pictures / f"latency-{n}.png"
    draw_timeline(records, picture, title=f"{n} trainees", kill_at=result["killed_worker_at_s"],
                  ramp_s=config.ramp_s)  # fmt: skip
    result["picture"] = (
        str(picture.relative_to(ROOT)) if picture.is_relative_to(ROOT) else str(picture)
    )
    return result


def meets_targets(run: dict) -> tuple[bool, list[str]]:
    """Whether one run meets the exam-day targets, and which it missed."""
    summary, verification = run["summary"], run["verification"]
    missed = [
        f"{kind} p95 {summary[kind]['p95_ms']:.0f} ms > {limit:.0f}"
        for kind, limit in TARGETS_MS.items()
        if kind in summary and summary[kind]["p95_ms"] > limit
    ]
    missed += [f"no {kind} requests" for kind in TARGETS_MS if kind not in summary]
    errors = sum(row["server_errors"] for row in summary.values())
    if errors:
        missed.append(f"{errors} responses >= 500")
    if verification["lost"]:
        missed.append(f"{verification['lost']} lost answers")
    if verification["problems"]:
        missed.append(f"{len(verification['problems'])} verification problems")
    return not missed, missed


COLOURS = {
    "login": (214, 39, 40),
    "page": (31, 119, 180),
    "start": (148, 103, 189),
    "dzi": (140, 86, 75),
    "tile": (44, 160, 44),
    "autosave": (255, 127, 14),
    "submit": (23, 190, 207),
}


def draw_timeline(records, path: Path, *, title: str, kill_at, ramp_s, bucket_s: float = 5.0):
    """p95 latency per kind in `bucket_s` windows over the run (log scale), as a PNG."""
    import math

    from PIL import Image, ImageDraw

    width, height, left, right, top, bottom = 960, 400, 60, 120, 30, 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    end = max((at for at, *_ in records), default=1.0) + bucket_s
    lo, hi = 1.0, 30000.0

    def x(at: float) -> float:
        return left + (width - left - right) * at / end

    def y(ms: float) -> float:
        ms = min(max(ms, lo), hi)
        return top + (height - top - bottom) * (1 - math.log10(ms / lo) / math.log10(hi / lo))

    for ms in (1, 10, 100, 250, 1000, 10000):
        draw.line([(left, y(ms)), (width - right, y(ms))], fill=(225, 225, 225))
        draw.text((4, y(ms) - 6), f"{ms} ms", fill="black")
    for second in range(0, int(end) + 1, 30):
        draw.text((x(second) - 8, height - bottom + 6), f"{second}s", fill="black")
    draw.rectangle([left, top, width - right, height - bottom], outline="black")
    draw.line([(x(ramp_s), top), (x(ramp_s), height - bottom)], fill=(160, 160, 160))
    draw.text((x(ramp_s) + 3, height - bottom - 14), "ramp ends", fill=(120, 120, 120))
    if kill_at is not None:
        draw.line([(x(kill_at), top), (x(kill_at), height - bottom)], fill=(200, 0, 0), width=2)
        draw.text((x(kill_at) + 3, top + 14), "worker killed", fill=(200, 0, 0))
    buckets: dict[tuple[str, int], list[float]] = {}
    for at, kind, ms, status in records:
        if status:
            buckets.setdefault((kind, int(at // bucket_s)), []).append(ms)
    for index, (kind, colour) in enumerate(COLOURS.items()):
        points = sorted(
            (b, percentile(values, 95)) for (k, b), values in buckets.items() if k == kind
        )
        line = [(x((b + 0.5) * bucket_s), y(ms)) for b, ms in points]
        if len(line) > 1:
            draw.line(line, fill=colour, width=2)
        for px, py in line:
            draw.ellipse([px - 2, py - 2, px + 2, py + 2], fill=colour)
        draw.text((width - right + 10, top + 16 * index), f"{kind} p95", fill=colour)
    draw.text((left, 8), f"{title}: p95 latency per {bucket_s:.0f} s as the client saw it",
              fill="black")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


def gunicorn_args(config: ExamDayConfig) -> tuple[str, ...]:
    """gunicorn options beyond bench.servers' defaults (later options win in gunicorn)."""
    args: tuple[str, ...] = ()
    if config.workers:
        args += ("-w", str(config.workers))
    if config.threads:
        args += ("--threads", str(config.threads))
    return args


def deployment_text(config: ExamDayConfig) -> str:
    from . import servers

    model = (f"gunicorn -w {config.workers or servers.WORKERS} "
             f"--threads {config.threads or servers.THREADS}")  # fmt: skip
    if config.behind_nginx:
        return (
            f"nginx with the shipped configuration (deploy/nginx/portal.conf) in front of {model}"
        )
    return f"{model} alone (no nginx)"


def measure(deployment, slide, config: ExamDayConfig, log=print) -> dict:
    """Every N of `config` against one portal and one Celery worker, as deployed: behind nginx
    with the shipped configuration unless `config.behind_nginx` is off."""
    import contextlib

    from . import build, servers

    runs = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(build.Worker(deployment))
        portal = stack.enter_context(servers.Portal(deployment, args=gunicorn_args(config)))
        front = (
            stack.enter_context(servers.PortalNginx(portal.port)) if config.behind_nginx else portal
        )
        log(f"(f) exam day on {deployment_text(config)}")
        for n in config.trainees:
            log(f"(f) exam day, {n} trainees: ramp {config.ramp_s:.0f} s, "
                f"{config.session_s:.0f} s each")  # fmt: skip
            run = run_one(
                portal_port=front.port,
                portal_pid=portal.proc.pid if portal.proc else None,
                slide=slide,
                n=n,
                config=config,
            )
            runs.append(run)
            ok, missed = meets_targets(run)
            for kind, row in run["summary"].items():
                log(
                    f"  {kind:8} {row['requests']:6} req {row['rate']:7.1f}/s  p50 "
                    f"{row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  p99 {row['p99_ms']:7.1f} ms"
                    f"  5xx {row['server_errors']}  no response {row['no_response']}"
                )
            check = run["verification"]
            log(
                f"  verification: {check['attempts']} attempts for {check['trainees']} trainees, "
                f"{check['acknowledged_answers']} acknowledged answers, {check['lost']} lost, "
                f"{len(check['problems'])} problems; targets {'met' if ok else 'NOT met'}"
                + ("" if ok else f" ({'; '.join(missed)})")
            )
    return {"config": {"ramp_s": config.ramp_s, "session_s": config.session_s,
                       "save_s": config.save_s, "kill_worker": config.kill_worker,
                       "deployment": deployment_text(config)},
            "runs": runs}  # fmt: skip
