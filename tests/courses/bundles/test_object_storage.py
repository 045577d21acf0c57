"""With pyramids in an S3-compatible bucket (moto over real HTTP), a bundle reads its tiles from
the bucket and an import writes the new slides' tiles to it."""

from __future__ import annotations

from courses.bundles import export
from courses.bundles.importer import import_bundle
from courses.models import CaseSlide
from slides import object_storage, pyramid_transfer, services, storage
from slides.models import Slide
from tests.slides.conftest import bucket, s3_server  # noqa: F401 (fixtures)

from .conftest import ANSWERS
from .fingerprint import fingerprint


def _move_to_the_bucket(slide: Slide) -> None:
    pyramid = storage.pyramid_dir(slide.uuid)
    shape = pyramid_transfer.geometry(slide)
    for level in range(shape.level_count):
        cols, rows = shape.tile_grid(level)
        object_storage.upload_band(str(slide.uuid), pyramid, level, (0, rows), cols)
    storage.remove_tree(pyramid)


def test_a_bundle_goes_from_bucket_to_bucket(demo_course, bucket, other_educator, tmp_path):  # noqa: F811
    slides = list(Slide.objects.all())
    for slide in slides:
        _move_to_the_bucket(slide)
    expected = fingerprint(demo_course, ANSWERS)
    for slide in slides:  # fingerprinting filled this node's cache: empty it again
        storage.remove_tree(storage.pyramid_dir(slide.uuid))

    path = tmp_path / "bundle.tar"
    with open(path, "wb") as target:
        export.write_bundle(demo_course, target)
    assert not any(storage.pyramid_dir(s.uuid).exists() for s in slides)

    Slide.objects.update(status=Slide.Status.AWAITING_REVIEW)  # not re-usable: import anew
    with open(path, "rb") as source:
        imported = import_bundle(source, owner=other_educator, size=path.stat().st_size)
    new_slides = Slide.objects.filter(
        id__in=CaseSlide.objects.filter(case__module__course=imported).values("slide")
    )
    assert len(new_slides) == 2 and not set(new_slides) & set(slides)
    for slide in new_slides:
        assert len(bucket.keys(f"pyramids/{slide.uuid}/")) == slide.tiles_total
        storage.remove_tree(storage.pyramid_dir(slide.uuid))  # served from the bucket alone
        assert slide.status == Slide.Status.AWAITING_REVIEW
        services.approve_slide(slide=slide, reviewer=other_educator)
    assert fingerprint(imported, ANSWERS) == expected
