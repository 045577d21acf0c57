from __future__ import annotations

from django.urls import reverse

from courses.curricula import import_curriculum


def test_the_case_form_offers_the_outcomes_grouped_by_parent(client, educator, case, curriculum):
    client.force_login(educator)
    page = client.get(reverse("courses:case-edit", args=[case.uuid])).content.decode()
    assert "<legend>GI Gastrointestinal</legend>" in page
    assert "GI.1 Colorectal polyps" in page


def test_an_educator_tags_a_case(client, educator, case, curriculum):
    client.force_login(educator)
    polyps = curriculum.outcomes.get(code="GI.1")
    response = client.post(
        reverse("courses:case-edit", args=[case.uuid]),
        {"title": case.title, "tags-outcomes": [polyps.id]},
    )
    assert response.status_code == 302
    assert list(case.outcomes.all()) == [polyps]
    page = client.get(reverse("courses:case-edit", args=[case.uuid])).content.decode()
    assert f'value="{polyps.id}" id="id_tags-outcomes_{polyps.id}" checked' in page


def test_an_outcome_of_another_curriculum_is_refused(client, educator, case, curriculum):
    other = import_curriculum(title="Other", version="", data="code,parent_code,title\nX,,X\n")
    client.force_login(educator)
    response = client.post(
        reverse("courses:case-edit", args=[case.uuid]),
        {"title": case.title, "tags-outcomes": [other.outcomes.get().id]},
    )
    assert response.status_code == 200
    assert not case.outcomes.exists()


def test_an_educator_tags_a_question(client, educator, quiz_factory, curriculum):
    quiz = quiz_factory()
    question = quiz.questions.get(type="single")
    client.force_login(educator)
    url = reverse("courses:question-edit", args=[question.uuid])
    assert "GI.1 Colorectal polyps" in client.get(url).content.decode()
    breast = curriculum.outcomes.get(code="BR")
    data = {"prompt": question.prompt, "points": 1, "options": "* Yes\nNo"}
    response = client.post(url, {**data, "tags-outcomes": [breast.id]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(question.outcomes.all()) == [breast]


def test_changing_the_curriculum_removes_old_tags(client, educator, course, case, curriculum):
    case.outcomes.set(curriculum.outcomes.all())
    client.force_login(educator)
    response = client.post(
        reverse("courses:edit", args=[course.uuid]),
        {"title": course.title, "status": "published", "cpd-cpd_hours": "3.5"},
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.curriculum is None and str(course.cpd_hours) == "3.5"
    assert not case.outcomes.exists()
