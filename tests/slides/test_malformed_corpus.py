"""Every file of the malformed corpus ends FAILED with a reason a person can read, through a
real worker, while good slides queued between them still reach the review gate."""

from __future__ import annotations

import pytest

from slides import pipeline, services, storage
from slides.models import Slide
from tests.conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from fixtures.malformed import make_malformed_corpus

    cases = make_malformed_corpus(tmp_path_factory.mktemp("corpus"))
    assert len(cases) >= 30
    return cases


def test_bad_files_fail_with_reasons_and_good_ones_still_finish(
    celery_worker, corpus, educator, slide_files
):
    bad, good = [], []
    for number, case in enumerate(corpus):
        bad.append(
            (
                case,
                services.create_slide(
                    uploaded_by=educator,
                    original=case.path,
                    original_name=case.path.name,
                    title=f"Malformed {case.name}",
                    move=False,
                ),
            )
        )
        if number % 10 == 5:
            good.append(
                services.create_slide(
                    uploaded_by=educator,
                    original=slide_files["svs"],
                    original_name="good.svs",
                    title=f"Good {number}",
                    move=False,
                )
            )
    assert {case.kind for case in corpus} >= {
        "not_a_slide",
        "truncated",
        "corrupt_tiles",
        "absurd_dimensions",
        "unsafe_zip",
        "empty",
    }
    ids = [slide.pk for _, slide in bad] + [slide.pk for slide in good]
    for slide_id in ids:
        pipeline.start(slide_id)
    settled = (Slide.Status.FAILED, Slide.Status.AWAITING_REVIEW)
    wait_for(
        lambda: Slide.objects.filter(pk__in=ids, status__in=settled).count() == len(ids),
        timeout=300,
        interval=1,
        message="every slide to settle: "
        + ", ".join(
            f"{s.title}={s.status}"
            for s in Slide.objects.filter(pk__in=ids).exclude(status__in=settled)
        ),
    )
    problems = []
    for case, slide in bad:
        slide.refresh_from_db()
        if slide.status != Slide.Status.FAILED:
            problems.append(f"{case.name}: {slide.status}")
        elif len(slide.failure_reason) < 20 or "Traceback" in slide.failure_reason:
            problems.append(f"{case.name}: unclear reason {slide.failure_reason!r}")
        elif str(slide.uuid) in slide.failure_reason or "/incoming" in slide.failure_reason:
            problems.append(f"{case.name}: the reason shows a server path")
        if storage.pyramid_dir(slide.uuid).exists():
            problems.append(f"{case.name}: tiles left behind")
    assert problems == []
    for slide in good:
        slide.refresh_from_db()
        assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    for case in corpus:
        assert case.path.exists(), "the given files are never touched"
