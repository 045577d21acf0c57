"""The courses, cases and quizzes that show a slide, for the library's delete refusal
(`slides.usage`)."""

from __future__ import annotations

from slides.models import Slide
from slides.usage import SlideUse

from .models import Case, Course, Quiz


def slide_uses(slide: Slide) -> list[SlideUse]:
    """Three queries, whatever the number of uses."""
    cases = Case.objects.filter(case_slides__slide=slide).select_related("module__course")
    uses = [SlideUse("Case", case.title) for case in cases]
    courses = Course.objects.filter(cover_slide=slide).values_list("title", flat=True)
    course_titles = {case.module.course.title for case in cases} | set(courses)
    uses += [SlideUse("Course", title) for title in course_titles]
    quizzes = Quiz.objects.filter(placements__question__case_slide__slide=slide).values_list(
        "title", flat=True
    )
    uses += [SlideUse("Quiz", title) for title in set(quizzes)]
    return uses
