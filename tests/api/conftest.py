"""The API tests use the courses tests' small published course (tests/courses/conftest.py)."""

from tests.courses.conftest import (  # noqa: F401 (fixtures, used by name)
    case,
    case_slide,
    course,
    quiz_factory,
    ready_slides,
)
