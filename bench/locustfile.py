"""Locust trainees for the exam-day benchmark (`bench/examday.py` runs this file headless).

Each simulated trainee does what a browser does on exam day: opens the login form and signs in
with its CSRF token, opens the exam and starts it, loads the attempt page, reads the viewers'
DZI descriptors, pans in bursts of neighbouring tiles (at most six at once, as a browser's
connection limit allows; a tile fetched once is never fetched again, as the browser cache
would serve it), autosaves a spatial answer every ~10 s with the version protocol of
`PUT /api/attempts/<uuid>/answers/<question>/`, and submits after its exam time.

Settings come from the environment (set by `bench/examday.py`):
  EXAMDAY_USERS      JSON file: {"password": ..., "quiz": <uuid>, "usernames": [...]}
  EXAMDAY_OUT        where to write what the trainees saw (JSON, written when the run stops)
  EXAMDAY_SESSION_S  seconds each trainee works between starting and submitting
  EXAMDAY_SAVE_S     seconds between autosaves (jittered ±20%)

Every request is recorded as (seconds since the first trainee started, kind, milliseconds,
status); status 0 means no response (connection refused or reset), -1 that the client gave up
after locust's 60 s network timeout. For every answer, the
trainee keeps the last version the server acknowledged and every payload it sent, so the
database can be checked afterwards (`bench.examday.verify`).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import time

import gevent
from gevent.pool import Pool
from locust import HttpUser, events, task
from locust.exception import StopUser

SETTINGS = json.loads(open(os.environ["EXAMDAY_USERS"]).read())  # read once
OUT = os.environ["EXAMDAY_OUT"]
SESSION_S = float(os.environ.get("EXAMDAY_SESSION_S", "60"))
SAVE_S = float(os.environ.get("EXAMDAY_SAVE_S", "10"))
BROWSER_CONNECTIONS = 6
SCREEN = (1280, 800)  # the viewer's size on a laptop screen, in screen pixels
TIMED_OUT = -1  # status recorded when locust gave up waiting (HttpUser.network_timeout, 60 s)

_records: list[tuple[float, str, float, int]] = []
_failures: dict[str, int] = {}  # "kind: exception: message" -> count, for requests without answer
_trainees: list[dict] = []
_usernames = iter(SETTINGS["usernames"])
_epoch: list[float] = []
_epoch_wall: list[float] = []
_finished = {"count": 0}


def _now() -> float:
    if not _epoch:
        _epoch.append(time.monotonic())
        _epoch_wall.append(time.time())
    return time.monotonic() - _epoch[0]


ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')


def parse_attempt_page(html: str) -> list[dict]:
    """The questions of an attempt page: uuid, type, version and (spatial ones) the viewer."""
    questions = []
    for block in html.split('data-question="')[1:]:
        head = block.split(">", 1)[0]
        attrs = dict(ATTR.findall('data-question="' + head))
        question = {
            "uuid": attrs["question"],
            "type": attrs.get("type", ""),
            "version": int(attrs.get("version") or 0),
            "viewer": None,
        }
        viewer = re.search(r"<div[^>]*data-slide-viewer[^>]*>", block, re.S)
        if viewer:
            question["viewer"] = dict(ATTR.findall(viewer.group(0)))
        questions.append(question)
    return questions


class Viewer:
    """One OpenSeadragon viewer: its Deep Zoom geometry and the tiles the browser holds."""

    def __init__(self, dzi_url: str, xml: str, attrs: dict, cache: set[str]):
        self.base = dzi_url.removesuffix(".dzi") + "_files/"
        self.tile = int(re.search(r'TileSize="(\d+)"', xml).group(1))
        self.overlap = int(re.search(r'Overlap="(\d+)"', xml).group(1))
        self.width = int(re.search(r'Width="(\d+)"', xml).group(1))
        self.height = int(re.search(r'Height="(\d+)"', xml).group(1))
        self.max_level = math.ceil(math.log2(max(self.width, self.height)))
        self.renew_url = attrs.get("renew-url")
        self.cache = cache  # the browser's: URLs already fetched, shared by the page's viewers
        start_w = float(attrs.get("start-view-width") or self.width)
        self.cx = float(attrs.get("start-center-x") or self.width / 2)
        self.cy = float(attrs.get("start-center-y") or self.height / 2)
        self.view_w = min(float(self.width), start_w)

    def level_for(self, view_w: float) -> int:
        """The level OpenSeadragon draws: the one whose pixels are at least screen pixels."""
        scale = SCREEN[0] / view_w  # screen px per level-0 px
        level = self.max_level + math.ceil(math.log2(max(scale, 1e-9)))
        return max(0, min(self.max_level, level))

    def tiles_in_view(self) -> list[tuple[int, int, int]]:
        level = self.level_for(self.view_w)
        factor = 2 ** (self.max_level - level)
        view_h = self.view_w * SCREEN[1] / SCREEN[0]
        lw, lh = math.ceil(self.width / factor), math.ceil(self.height / factor)
        x0 = max(0.0, (self.cx - self.view_w / 2) / factor)
        y0 = max(0.0, (self.cy - view_h / 2) / factor)
        x1 = min(lw - 1.0, (self.cx + self.view_w / 2) / factor)
        y1 = min(lh - 1.0, (self.cy + view_h / 2) / factor)
        cols = range(int(x0 // self.tile), int(x1 // self.tile) + 1)
        rows = range(int(y0 // self.tile), int(y1 // self.tile) + 1)
        return [(level, c, r) for r in rows for c in cols]

    def move(self, rng: random.Random) -> None:
        """A browser gesture: mostly drags by part of a screen, sometimes a zoom step."""
        roll = rng.random()
        if roll < 0.2 and self.view_w > 400:
            self.view_w /= 2  # zoom in
        elif roll < 0.3 and self.view_w < self.width:
            self.view_w *= 2  # zoom out
        else:
            angle = rng.uniform(0, 2 * math.pi)
            step = self.view_w * rng.uniform(0.2, 0.6)
            self.cx += math.cos(angle) * step
            self.cy += math.sin(angle) * step
        self.cx = min(max(self.cx, 0), self.width)
        self.cy = min(max(self.cy, 0), self.height)


class Trainee(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def record(self, kind: str, started: float, status: int) -> None:
        _records.append((started - _epoch[0], kind, (time.monotonic() - started) * 1000, status))

    def call(self, kind: str, method: str, url: str, **kwargs):
        _now()
        started = time.monotonic()
        try:
            with self.client.request(
                method, url, name=kind, catch_response=True, **kwargs
            ) as response:
                response.success()  # the benchmark judges statuses itself
            status = response.status_code or 0
            if not status and "timed out" in str(getattr(response, "error", "")).lower():
                status = TIMED_OUT
            error = getattr(response, "error", None)
        except Exception as raised:  # a reset connection is a result, not a crash
            response, status, error = None, 0, raised
        if status <= 0:
            text = f"{kind}: {type(error).__name__}: {error}"
            cause = re.sub(r"0x[0-9a-f]+|\d+", "N", text)[:160]
            _failures[cause] = _failures.get(cause, 0) + 1
        self.record(kind, started, status)
        return response if status > 0 else None

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def on_start(self) -> None:
        self.rng = random.Random()
        self.username = next(_usernames)
        self.state = {
            "username": self.username,
            "attempt": None,
            "answers": {},
            "submitted": False,
            "tiles": [],
        }
        _trainees.append(self.state)
        for _ in range(3):  # no response (a killed worker): the trainee reloads the form
            form = self.call("page", "GET", "/accounts/login/")
            if form is not None:
                break
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text if form else "")
        for _ in range(3):  # no response at all (a killed worker): the trainee presses again
            response = self.call(
                "login",
                "POST",
                "/accounts/login/",
                data={
                    "username": self.username,
                    "password": SETTINGS["password"],
                    "csrfmiddlewaretoken": token.group(1) if token else self.csrf(),
                },
                headers={"Referer": self.host + "/accounts/login/"},
                allow_redirects=False,
            )
            if response is not None:
                break
        if response is None or response.status_code != 302:
            self.give_up(f"login: {getattr(response, 'status_code', 0)}")
        quiz = f"/quizzes/{SETTINGS['quiz']}/"
        self.call("page", "GET", quiz)
        for _ in range(3):
            started = self.call(
                "start",
                "POST",
                quiz + "start/",
                data={"csrfmiddlewaretoken": self.csrf()},
                headers={"Referer": self.host + quiz},
                allow_redirects=False,
            )
            if started is not None:
                break
        location = started.headers.get("Location", "") if started is not None else ""
        match = re.search(r"/attempts/([0-9a-f-]{36})/", location)
        if not match:
            self.give_up(f"start: {getattr(started, 'status_code', 0)} {location}")
        self.attempt = match.group(1)
        self.state["attempt"] = self.attempt
        self.load_attempt_page()
        self.deadline = time.monotonic() + SESSION_S
        self.next_save = time.monotonic() + self.rng.uniform(0.5, 1.0) * SAVE_S

    def load_attempt_page(self) -> None:
        page = self.call("page", "GET", f"/attempts/{self.attempt}/")
        if page is None or page.status_code != 200:
            return
        self.questions = parse_attempt_page(page.text)
        self.viewers = []
        self.cache: set[str] = getattr(self, "cache", set())
        for question in self.questions:
            attrs = question["viewer"]
            if attrs:
                dzi = self.call("dzi", "GET", attrs["dzi-url"])
                if dzi is not None and dzi.status_code == 200:
                    self.viewers.append(Viewer(attrs["dzi-url"], dzi.text, attrs, self.cache))
        self.point_question = next((q for q in self.questions if q["type"] == "point"), None)
        if self.point_question is not None:
            answer = self.state["answers"].setdefault(
                self.point_question["uuid"], {"acked": 0, "acked_payload": None, "sent": {}}
            )
            self.version = max(self.point_question["version"], answer["acked"])
            self.points: list[list[float]] = []
        if self.viewers:
            self.viewer = self.viewers[0]
            self.fetch_view()

    def fetch_view(self) -> None:
        viewer = self.viewer
        urls = [
            f"{viewer.base}{level}/{col}_{row}.jpeg" for level, col, row in viewer.tiles_in_view()
        ]
        wanted = [url for url in urls if url not in self.cache]
        self.cache.update(wanted)  # in flight counts as held: the browser does not ask twice
        pool = Pool(BROWSER_CONNECTIONS)
        for url in wanted:
            pool.spawn(self.fetch_tile, viewer, url)
        pool.join()

    def fetch_tile(self, viewer: Viewer, url: str) -> None:
        response = self.call("tile", "GET", url)
        if response is not None and response.status_code == 200:
            self.state["tiles"].append(url)
            return
        self.cache.discard(url)  # not held: a later view asks again
        if response is not None and response.status_code in (403, 404) and viewer.renew_url:
            renewed = self.call("renew", "GET", viewer.renew_url)
            if renewed is not None and renewed.status_code == 200:
                # A new token makes new URLs, which the browser cache does not hold.
                viewer.base = renewed.json()["dzi_url"].removesuffix(".dzi") + "_files/"

    def autosave(self) -> None:
        question = self.point_question
        viewer = self.viewer
        self.points.append([round(viewer.cx, 1), round(viewer.cy, 1)])
        payload = {"points": self.points[-5:]}
        answer = self.state["answers"][question["uuid"]]
        url = f"/api/attempts/{self.attempt}/answers/{question['uuid']}/"
        for _ in range(3):  # a 409 tells the current version; try again on top of it
            answer["sent"].setdefault(str(self.version + 1), []).append(payload)
            response = self.call(
                "autosave",
                "PUT",
                url,
                json={"payload": payload, "version": self.version},
                headers={"X-CSRFToken": self.csrf(), "Referer": self.host + "/"},
            )
            if response is None:
                return
            if response.status_code == 200:
                body = response.json()
                self.version = body["version"]
                answer["acked"] = body["version"]
                answer["acked_payload"] = body["payload"]
                return
            if response.status_code == 409:
                self.version = response.json()["current"]["version"]
                continue
            return

    @task
    def work(self) -> None:
        if not getattr(self, "viewers", None):
            self.load_attempt_page()
            if not self.viewers:
                gevent.sleep(1)
                return
        if time.monotonic() >= self.deadline:
            self.submit()
        if self.point_question is not None and time.monotonic() >= self.next_save:
            self.autosave()
            self.next_save = time.monotonic() + self.rng.uniform(0.8, 1.2) * SAVE_S
        self.viewer = self.rng.choice(self.viewers)
        self.viewer.move(self.rng)
        self.fetch_view()
        gevent.sleep(self.rng.uniform(0.5, 2.0))  # looking at the field before moving on

    def submit(self) -> None:
        response = self.call(
            "submit",
            "POST",
            f"/attempts/{self.attempt}/submit/",
            data={"csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.host + f"/attempts/{self.attempt}/"},
            allow_redirects=False,
        )
        self.state["submitted"] = response is not None and response.status_code == 302
        self.give_up(None)

    def give_up(self, error: str | None) -> None:
        """This trainee is done (submitted, or could not go on); the last one ends the run."""
        if error:
            self.state["error"] = error
        _finished["count"] += 1
        if _finished["count"] >= len(SETTINGS["usernames"]):
            gevent.spawn_later(0.5, self.environment.runner.quit)
        raise StopUser()


@events.quitting.add_listener
def _write(environment, **_kwargs) -> None:
    with open(OUT, "w") as handle:
        json.dump(
            {
                "epoch_wall": _epoch_wall[0] if _epoch_wall else time.time(),
                "records": _records,
                "trainees": _trainees,
                "failures": _failures,
            },
            handle,
        )
