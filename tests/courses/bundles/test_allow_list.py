"""Only allow-listed fields leave the portal: every model field is classified, exported records
hold exactly their allow-list, and no trainee's data or account appears anywhere in a bundle."""

from __future__ import annotations

import json
import tarfile

import pytest

from courses.bundles import manifest
from courses.models import (
    Attempt,
    Case,
    CaseSlide,
    Choice,
    Course,
    Module,
    Question,
    Quiz,
    QuizQuestion,
    ReferenceAnswer,
    TeachingAnnotation,
    TourStop,
)
from portal.models import User
from slides.models import Slide

from .conftest import TRAINEE_CANARY

MODELS = {
    "course": Course,
    "slide": Slide,
    "module": Module,
    "case": Case,
    "case_slide": CaseSlide,
    "annotation": TeachingAnnotation,
    "tour_stop": TourStop,
    "quiz": Quiz,
    "question": Question,
    "placement": QuizQuestion,
    "choice": Choice,
    "reference": ReferenceAnswer,
}


def _own_fields(model) -> set[str]:
    """The model's own fields (columns and many-to-many), not relations pointing at it."""
    return {
        f.name
        for f in model._meta.get_fields()
        if f.concrete or (f.many_to_many and not f.auto_created)
    }


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_every_field_of_every_bundled_model_is_either_allowed_or_excluded(kind):
    allowed, excluded = set(manifest.ALLOWED[kind]), set(manifest.EXCLUDED[kind])
    assert not allowed & excluded
    # A new field fails here until someone decides whether it may leave the portal.
    assert allowed | excluded == _own_fields(MODELS[kind])


def test_no_account_or_trainee_field_is_allowed():
    forbidden = {"owner", "author", "uploaded_by", "reviewed_by", "examiners", "added_by", "user"}
    for kind, fields in manifest.ALLOWED.items():
        assert not forbidden & set(fields), kind


def _members(path) -> dict[str, bytes]:
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


def test_exported_records_hold_exactly_their_allow_list_and_links(bundle_file):
    document = json.loads(_members(bundle_file)[manifest.COURSE_MEMBER])
    assert set(document["course"]) == manifest.record_keys("course")
    for collection, kind in manifest.COLLECTIONS.items():
        assert document[collection], f"the demo course should exercise {collection}"
        for record in document[collection]:
            assert set(record) == manifest.record_keys(kind)


def test_no_trainee_data_account_or_identifier_of_this_portal_is_in_the_bundle(
    demo_course, bundle_file
):
    for user in User.objects.all():
        user.email = f"{user.username}-mail-canary@example.org"
        user.save()
    raw = bundle_file.read_bytes()
    attempt = Attempt.objects.get(quiz__course=demo_course)
    secrets = [
        TRAINEE_CANARY,
        str(attempt.uuid),
        str(demo_course.uuid),
        *(str(s.uuid) for s in Slide.objects.all()),
        *(str(q.uuid) for q in Question.objects.all()),
        "@example.org",
        "mail-canary",
        *(f'"{u.username}"' for u in User.objects.all()),
        "candidate_number",
        "join_code",
    ]
    for secret in secrets:
        assert secret.encode() not in raw, secret


def test_the_manifest_names_the_format_and_vouches_for_every_member(bundle_file):
    members = _members(bundle_file)
    names = list(members)
    assert names[:2] == [manifest.FORMAT_MEMBER, manifest.COURSE_MEMBER]
    assert names[-1] == manifest.MANIFEST_MEMBER
    listed = json.loads(members[manifest.MANIFEST_MEMBER])
    assert (listed["format"], listed["version"]) == (manifest.FORMAT, manifest.VERSION)
    assert set(listed["members"]) == set(names) - {manifest.MANIFEST_MEMBER}
    seen = {
        n: (manifest.hashlib.sha256(d).hexdigest(), len(d))
        for n, d in members.items()
        if n != manifest.MANIFEST_MEMBER
    }
    manifest.check_manifest(listed, seen)  # raises if any checksum disagreed
