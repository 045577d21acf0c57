"""Educators' Markdown on the pages trainees read: rendered, sanitised, old HTML unchanged."""

from __future__ import annotations

from django.urls import reverse

from courses import services
from courses.assessment import authoring

from .conftest import attempt_with_feedback_after_each

XSS = '<img src=x onerror="alert(1)"> [x](javascript:alert(1)) <script>alert(2)</script>'


def assert_harmless(html: str) -> None:
    """No trace of XSS as markup (the page's own scripts may say "onerror" in their code)."""
    assert "<img src=x" not in html and "onerror=" not in html
    assert 'href="javascript' not in html.lower()
    assert "alert(2)" not in html and "alert(3)" not in html


def _write_case(case, **text):
    fields = {"clinical_history": "", "diagnosis": "", "discussion": "", **text}
    services.update_case(case=case, title=case.title, reveal_allowed=True, **fields)


def test_a_case_written_in_markdown_reads_formatted_and_harmless(client, trainee, case):
    _write_case(
        case,
        clinical_history=f"A **2 cm** mass.\n\n- smoker\n- no history\n\n{XSS}",
        diagnosis="*Adenocarcinoma*",
        discussion="## Why\n\nSee [WHO](https://example.org/who).",
    )
    client.force_login(trainee)
    url = reverse("courses:case", args=[case.uuid])
    client.post(reverse("courses:case-reveal", args=[case.uuid]))
    html = client.get(url).content.decode()
    assert "A <strong>2 cm</strong> mass." in html
    assert "<li>smoker</li>" in html
    assert "<em>Adenocarcinoma</em>" in html
    assert "<h4>Why</h4>" in html
    assert '<a href="https://example.org/who" rel="noopener noreferrer">WHO</a>' in html
    assert_harmless(html)


def test_a_case_written_in_html_before_markdown_reads_as_before(client, trainee, case):
    client.force_login(trainee)
    html = client.get(reverse("courses:case", args=[case.uuid])).content.decode()
    assert "<p>A 64-year-old with <b>rectal bleeding</b>.</p>" in html


def test_the_case_api_gives_the_markdown_and_its_safe_html(client, trainee, case):
    _write_case(case, clinical_history=f"A **2 cm** mass. {XSS}")
    client.force_login(trainee)
    data = client.get(f"/api/cases/{case.uuid}/").json()
    assert data["clinical_history"].startswith("A **2 cm** mass.")
    assert data["clinical_history_html"].startswith("<p>A <strong>2 cm</strong> mass.")
    assert_harmless(data["clinical_history_html"])


def test_questions_and_options_in_markdown_read_formatted_in_the_preview(client, educator, course):
    quiz = authoring.create_quiz(course=course, title="Q", kind="practice", published=False)
    quiz.instructions = "Read the **history** first."
    quiz.save(update_fields=["instructions"])
    authoring.add_question(
        quiz=quiz,
        type="single",
        prompt=f"Which *organ*? {XSS}",
        options=[
            {"text": "**Colon**", "correct": True, "feedback": "See `crypts`"},
            {"text": "Lung <script>alert(3)</script>"},
        ],
    )
    client.force_login(educator)
    html = client.get(reverse("courses:quiz-preview", args=[quiz.uuid])).content.decode()
    assert "Read the <strong>history</strong> first." in html
    assert "Which <em>organ</em>?" in html
    assert "<strong>Colon</strong>" in html
    assert_harmless(html)


def test_annotation_notes_and_tour_stops_come_with_their_safe_html(
    client, educator, trainee, case_slide
):
    services.create_annotation(
        case_slide=case_slide,
        author=educator,
        geometry={"type": "Point", "coordinates": [100, 100]},
        properties={"kind": "point", "label": "Crypt", "note": f"A **crypt** abscess. {XSS}"},
    )
    services.replace_tour(
        case_slide=case_slide,
        stops=[{"center_x": 10, "center_y": 10, "view_width": 50, "text": f"See *here* {XSS}"}],
        version=case_slide.tour_version,
    )
    client.force_login(trainee)
    [annotation] = client.get(reverse("api-annotation-list", args=[case_slide.uuid])).json()
    assert annotation["properties"]["note"].startswith("A **crypt** abscess.")
    assert annotation["note_html"].startswith("<p>A <strong>crypt</strong> abscess.")
    assert_harmless(annotation["note_html"])
    [stop] = client.get(reverse("api-tour", args=[case_slide.uuid])).json()["stops"]
    assert stop["text_html"].startswith("See <em>here</em>")
    assert "<p>" not in stop["text_html"]
    assert_harmless(stop["text_html"])


def test_feedback_after_each_question_comes_with_its_safe_html(client, trainee, course):
    from django.utils import timezone

    from courses.assessment import attempts

    feedback = f"Yes: see the *crypts* {XSS}"
    attempt, question, key = attempt_with_feedback_after_each(
        course, trainee, prompt="Which organ?", correct={"text": "Colon", "feedback": feedback}
    )
    attempts.save_answer(
        attempt=attempt,
        question_uuid=question.uuid,
        payload={"choice": key},
        version=0,
        now=timezone.now(),
    )
    client.force_login(trainee)
    response = client.post(f"/api/attempts/{attempt.uuid}/answers/{question.uuid}/check/")
    feedback = response.json()["question"]["feedback"]
    assert feedback["choice_feedback_html"][key].startswith("Yes: see the <em>crypts</em>")
    assert_harmless(feedback["choice_feedback_html"][key])


def test_lists_of_questions_show_the_prompt_without_its_markup(client, educator, course):
    quiz = authoring.create_quiz(course=course, title="Q", kind="practice", published=False)
    authoring.add_question(
        quiz=quiz,
        type="single",
        prompt="Which **organ** <script>alert(3)</script>",
        options=[{"text": "Colon", "correct": True}, {"text": "Lung"}],
    )
    client.force_login(educator)
    html = client.get(reverse("courses:quiz-edit", args=[quiz.uuid])).content.decode()
    assert "Which organ" in html
    assert "**organ**" not in html
    assert_harmless(html)
