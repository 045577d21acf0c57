"""The answer map page and API: density, agreement and clusters on a constructed cohort;
only the quiz's markers reach them (404 for trainees, before and after release, and for other
educators); the cached map follows new submissions and reference edits."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import Point, box

from courses import services as course_services
from courses.assessment import attempts, authoring, heatmaps
from courses.assessment import services as assessment_services
from portal.models import Role, User

from ..conftest import TARGET, submitted_attempt

# The test slide is 2000 × 1500 px at 0.25 µm/px (500 µm on its long side), so clusters use
# eps = 25 µm (100 px) and, for a dozen trainees, at least 3 clicks. TARGET is the square
# (411.11, 322.22)–(611.11, 522.22); the point tolerance is 5 µm (20 px).
IN_TARGET = [[500 + 5 * i, 400 + 3 * i] for i in range(6)]
SPOT_A = [[1500 + 10 * (i % 2), 1200 + 10 * (i // 2)] for i in range(4)]  # four trainees
SPOT_B = [[200, 1300], [210, 1300], [200, 1310]]  # one trainee, three clicks
STRAY = [1800, 200]
FAR_SQUARE = box(1400, 1100, 1500, 1200)
SHIFTED = box(511.11, 422.22, 711.11, 622.22)  # overlaps the lower right quarter of TARGET


def polygon(shape) -> dict:
    return {"type": "Polygon", "coordinates": [[list(c) for c in shape.exterior.coords]]}


def cohort_payloads() -> list[dict]:
    """Twelve trainees' answers to the point and the outline question."""
    points = [[p] for p in IN_TARGET] + [[p] for p in SPOT_A] + [SPOT_B, [STRAY]]
    outlines = [TARGET] * 6 + [polygon(FAR_SQUARE)] * 3 + [polygon(SHIFTED)] * 2 + [None]
    return [
        {
            "point": {"points": clicks},
            **({"outline": {"geometry": outline}} if outline else {}),
        }
        for clicks, outline in zip(points, outlines, strict=True)
    ]


def make_trainee(course, name: str) -> User:
    user = User.objects.create_user(username=name, password="x", role=Role.TRAINEE)
    course_services.enrol(course=course, identifiers=[name], role="trainee", added_by=None)
    return user


@pytest.fixture
def cohort(course, trainee, quiz_factory):
    quiz = quiz_factory(feedback_policy="on_release")
    for n, payloads in enumerate(cohort_payloads()):
        submitted_attempt(quiz, trainee if n == 0 else make_trainee(course, f"t{n}"), payloads)
    return quiz


def api_url(quiz, question) -> str:
    return reverse("api-answer-map", args=[quiz.uuid, question.uuid])


def page_url(quiz, question) -> str:
    return reverse("courses:answer-map", args=[quiz.uuid, question.uuid])


def value_at(data: dict, values, x: float, y: float) -> float:
    grid = data["grid"]
    column = math.floor((x - grid["origin_x"]) / grid["cell_size"])
    row = math.floor((y - grid["origin_y"]) / grid["cell_size"])
    return values[row][column]


def test_point_map_has_the_density_peak_in_the_target_and_the_two_wrong_spots(
    client, examiner, cohort
):
    point = cohort.questions.get(type="point")
    client.force_login(examiner)
    data = client.get(api_url(cohort, point)).json()
    assert (data["type"], data["units"], data["answers"], data["answered"]) == (
        "point",
        "um",
        12,
        12,
    )
    assert (data["eps_um"], data["min_size"]) == (25, 3)
    assert [c["size"] for c in data["clusters"]] == [4, 3]
    spot_a, spot_b = data["clusters"]
    assert spot_a["centre"] == pytest.approx([1505, 1205])
    assert spot_a["bounds"] == [1500, 1200, 1510, 1210]
    assert spot_b["centre"] == pytest.approx([203.333, 1303.333], abs=1e-3)
    assert (data["wrong"], data["unclustered"]) == (8, 1)  # the stray click is noise
    density = data["density"]
    assert density["clicks"] == 14 and data["agreement"] is None
    values = density["values"]
    assert value_at(data, values, 512, 407) == pytest.approx(density["peak"], rel=0.2)
    assert value_at(data, values, 512, 407) > 1.3 * value_at(data, values, 1505, 1205)
    assert value_at(data, values, 1000, 900) == 0  # nobody clicked there
    assert data["reference"]["geometries"] == [TARGET]


def test_outline_map_gives_the_share_of_outlines_covering_each_place(client, educator, cohort):
    outline = cohort.questions.get(type="outline")
    client.force_login(educator)
    data = client.get(api_url(cohort, outline)).json()
    assert (data["answers"], data["answered"]) == (12, 11)  # one trainee drew nothing
    agreement = data["agreement"]
    assert agreement["outlines"] == 11 and data["density"] is None
    values = agreement["values"]

    def share(n: int):
        return pytest.approx(n / 11, abs=1e-4)  # values come rounded to 4 decimals

    assert value_at(data, values, 450, 350) == share(6)  # the reference only
    assert value_at(data, values, 580, 490) == share(8)  # and the shifted ones
    assert value_at(data, values, 1450, 1150) == share(3)  # the far square
    assert value_at(data, values, 900, 800) == 0
    # The three outlines that miss the reference entirely are one misconception.
    assert [c["size"] for c in data["clusters"]] == [3]
    assert FAR_SQUARE.contains(Point(data["clusters"][0]["centre"]))


def test_the_page_draws_the_map_over_the_slide_with_a_button_per_cluster(client, educator, cohort):
    point = cohort.questions.get(type="point")
    client.force_login(educator)
    results = client.get(reverse("courses:results", args=[cohort.uuid])).content.decode()
    assert page_url(cohort, point) in results
    assert "Answer map on the slide" in results
    page = client.get(page_url(cohort, point))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-slide-viewer" in html and 'data-layer-toggle="heatmap"' in html
    assert 'id="answer-map-data"' in html and "courses/answer-map.js" in html
    assert html.count("data-cluster=") == 2
    assert 'data-cluster-x="1505.0"' in html
    # A measure question has no map.
    measure = cohort.questions.get(type="measure")
    assert client.get(page_url(cohort, measure)).status_code == 404
    assert client.get(api_url(cohort, measure)).status_code == 404


def test_only_the_quiz_s_markers_reach_the_map_even_after_release(
    client, trainee, other_educator, examiner, educator, cohort
):
    point = cohort.questions.get(type="point")
    urls = [page_url(cohort, point), api_url(cohort, point)]

    def statuses(user):
        client.force_login(user)
        return [client.get(url).status_code for url in urls]

    assert statuses(educator) == [200, 200]
    assert statuses(examiner) == [200, 200]
    assert statuses(trainee) == [404, 404]
    assert statuses(other_educator) == [404, 404]
    assessment_services.release_marks(quiz=cohort, now=timezone.now())
    assert statuses(trainee) == [404, 404]
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to log in
    assert client.get(urls[1]).status_code in (401, 403)


def test_a_question_of_another_quiz_has_no_map_here(client, educator, cohort, quiz_factory):
    other = quiz_factory()
    client.force_login(educator)
    foreign = other.questions.get(type="point")
    assert client.get(api_url(cohort, foreign)).status_code == 404


def test_answers_to_the_same_question_in_another_quiz_are_not_counted(
    client, educator, course, cohort, quiz_factory
):
    point = cohort.questions.get(type="point")
    second = quiz_factory()
    authoring.place_question(quiz=second, question=point)
    submitted_attempt(second, make_trainee(course, "elsewhere"), {point: {"points": [SPOT_B[0]]}})
    client.force_login(educator)
    assert client.get(api_url(cohort, point)).json()["answers"] == 12
    assert client.get(api_url(second, point)).json()["answers"] == 1


def test_the_cached_map_changes_when_an_attempt_is_submitted_or_the_reference_moves(
    client, examiner, course, cohort, monkeypatch
):
    point = cohort.questions.get(type="point")
    client.force_login(examiner)
    first = client.get(api_url(cohort, point)).json()
    assert [c["size"] for c in first["clusters"]] == [4, 3]

    computed = []
    real_compute = heatmaps.compute

    def counting(question, cohort_answers):
        computed.append(question.id)
        return real_compute(question, cohort_answers)

    monkeypatch.setattr(heatmaps, "compute", counting)
    assert client.get(api_url(cohort, point)).json() == first
    assert computed == []  # served from the cache

    # An attempt in progress changes nothing; its submission does.
    newcomer = make_trainee(course, "newcomer")
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=cohort, trainee=newcomer, now=now)
    attempts.save_answer(
        attempt=attempt, question_uuid=point.uuid, payload={"points": [[1505, 1195]]},
        version=0, now=now,
    )  # fmt: skip
    assert client.get(api_url(cohort, point)).json() == first and computed == []
    attempts.submit_attempt(attempt=attempt, now=now)
    after = client.get(api_url(cohort, point)).json()
    assert computed == [point.id]
    assert after["answers"] == 13 and [c["size"] for c in after["clusters"]] == [5, 3]

    # Moving the target onto spot A makes those clicks right: no longer a misconception.
    authoring.edit_question(
        question=point,
        reference={"geometry": {"type": "GeometryCollection", "geometries": [
            TARGET, polygon(box(1450, 1150, 1560, 1260))]}},
    )  # fmt: skip
    moved = client.get(api_url(cohort, point)).json()
    assert computed == [point.id, point.id]
    assert [c["size"] for c in moved["clusters"]] == [3]
