"""A trainee studying a case; an educator's course page; progress; what stays hidden."""

from __future__ import annotations

from django.urls import reverse

from courses import services
from courses.models import CaseProgress


def test_a_trainee_reads_the_history_first_then_the_slides(client, trainee, case):
    client.force_login(trainee)
    response = client.get(reverse("courses:case", args=[case.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "rectal bleeding" in html
    assert html.index("rectal bleeding") < html.index("data-slide-viewer")
    assert html.count("data-slide-viewer") >= 2
    assert CaseProgress.objects.get(user=trainee, case=case).opened_at is not None


def test_the_diagnosis_is_not_in_the_page_until_revealed(client, trainee, case):
    client.force_login(trainee)
    url = reverse("courses:case", args=[case.uuid])
    assert b"DIAGNOSIS-SECRET" not in client.get(url).content
    assert b"DIAGNOSIS-SECRET" not in client.get(f"/api/cases/{case.uuid}/").content
    client.post(reverse("courses:case-reveal", args=[case.uuid]))
    assert b"DIAGNOSIS-SECRET" in client.get(url).content


def test_turning_revealing_off_hides_a_revealed_diagnosis_again(client, trainee, case):
    client.force_login(trainee)
    client.post(reverse("courses:case-reveal", args=[case.uuid]))
    case.reveal_allowed = False
    case.save()
    content = client.get(reverse("courses:case", args=[case.uuid])).content
    assert b"DIAGNOSIS-SECRET" not in content


def test_completing_cases_fills_the_course_progress_bar(client, trainee, course, case):
    client.force_login(trainee)
    client.post(reverse("courses:case-complete", args=[case.uuid]), {"completed": "1"})
    response = client.get(reverse("courses:detail", args=[course.uuid]))
    assert response.context["completed"] == 1 and response.context["total"] == 1
    assert response.context["percent"] == 100
    home = client.get(reverse("home"))
    assert b"1 of 1 cases completed" in home.content


def test_draft_courses_are_invisible_to_trainees(client, trainee, course, case):
    course.status = "draft"
    course.save()
    client.force_login(trainee)
    assert client.get(reverse("courses:detail", args=[course.uuid])).status_code == 404
    assert client.get(reverse("courses:case", args=[case.uuid])).status_code == 404


def test_trainees_can_see_the_tiles_of_their_case_slides_only(client, trainee, case, ready_slides):
    client.force_login(trainee)
    response = client.get(reverse("courses:case", args=[case.uuid]))
    dzi_urls = [viewer["dzi_url"] for _, viewer in response.context["slides"]]
    assert all(client.get(url).status_code == 200 for url in dzi_urls)


def test_course_page_queries_do_not_grow_with_cases(
    client, educator, course, ready_slides, django_assert_max_num_queries
):
    module = course.modules.get()
    for number in range(6):
        extra = services.add_case(module=module, title=f"Extra {number}")
        services.add_case_slide(case=extra, slide=ready_slides[0], stain="H&E")
    client.force_login(educator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("courses:detail", args=[course.uuid])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("courses:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200


def test_side_by_side_page_has_two_synchronised_viewers(client, trainee, case):
    client.force_login(trainee)
    response = client.get(reverse("courses:case-compare", args=[case.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-sync-group" in html and html.count("data-slide-viewer") == 2


def test_an_educator_builds_a_course_through_the_pages(client, educator, ready_slides):
    client.force_login(educator)
    response = client.post(reverse("courses:create"), {"title": "Haematopathology"})
    course_url = response["Location"]
    course_uuid = course_url.rstrip("/").split("/")[-1]
    client.post(reverse("courses:module-create", args=[course_uuid]), {"title": "Lymph nodes"})
    from courses.models import Course

    course = Course.objects.get(uuid=course_uuid)
    module = course.modules.get()
    response = client.post(reverse("courses:case-create", args=[module.uuid]), {"title": "Node 1"})
    case = module.cases.get()
    assert response["Location"] == reverse("courses:case-edit", args=[case.uuid])
    for slide, stain in zip(ready_slides, ["H&E", "CD20"], strict=True):
        client.post(
            reverse("courses:case-slide-add", args=[case.uuid]),
            {"slide": str(slide.uuid), "stain": stain},
        )
    assert list(case.case_slides.values_list("stain", flat=True)) == ["H&E", "CD20"]
    client.post(
        reverse("courses:edit", args=[course_uuid]),
        {"title": "Haematopathology", "description": "", "status": "published"},
    )
    course.refresh_from_db()
    assert course.is_published
