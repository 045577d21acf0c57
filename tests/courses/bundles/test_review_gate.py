"""A bundle is checksummed, not signed: the slides it brings wait for this portal's identifier
review, and their tiles arrive without JPEG comments and application metadata."""

from __future__ import annotations

import hashlib
import io
import json

from PIL import Image

from courses.bundles import manifest
from courses.bundles.importer import import_bundle
from slides import services, tiles
from slides.models import Slide

from .test_refusals import _members, _write

CANARIES = (b"CANARY-COMMENT", b"CANARY-EXIF")


def _tagged(tile: bytes) -> bytes:
    exif = b"Exif\0\0" + CANARIES[1]
    comment = CANARIES[0]
    return b"".join(
        [
            tile[:2],
            b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif,
            b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment,
            tile[2:],
        ]
    )


def _bundle_with_a_tagged_tile(bundle_file):
    """The bundle with one tile of its first slide tagged, its checksums made to match (the
    slide is then new here: no pyramid of this portal has that checksum)."""
    members = dict(_members(bundle_file))
    course = json.loads(members[manifest.COURSE_MEMBER])
    record = course["slides"][0]
    names = [n for n in members if n.startswith(f"slides/{record['key']}/")]
    tagged = names[-1]
    members[tagged] = _tagged(members[tagged])
    digests = []
    for name in names:
        match = manifest.TILE_MEMBER.match(name)
        digest = hashlib.sha256(members[name]).hexdigest()
        digests.append((int(match["level"]), int(match["col"]), int(match["row"]), digest))
    record["pyramid_sha256"] = manifest.pyramid_checksum(digests)
    members[manifest.COURSE_MEMBER] = manifest.dumps(course)
    path = _write(bundle_file.with_name("tagged.tar"), list(members.items()), fix_manifest=True)
    return path, record, tagged, names[0], dict(_members(bundle_file))


def test_a_new_slide_waits_for_review_and_its_tiles_lose_their_metadata(
    bundle_file, other_educator, educator
):
    path, record, tagged, untouched, original = _bundle_with_a_tagged_tile(bundle_file)
    known = set(Slide.objects.values_list("id", flat=True))
    with open(path, "rb") as source:
        import_bundle(source, owner=other_educator, size=path.stat().st_size)

    (new,) = Slide.objects.exclude(id__in=known)  # the other slide is re-used as it is
    assert (new.title, new.width, new.height) == (
        record["title"],
        record["width"],
        record["height"],
    )
    assert new.status == Slide.Status.AWAITING_REVIEW and new.reviewed_at is None
    services.approve_slide(slide=new, reviewer=educator)

    def served(name: str) -> bytes:
        level, col, row = (
            int(manifest.TILE_MEMBER.match(name)[part]) for part in ("level", "col", "row")
        )
        return tiles.get_tile(str(new.uuid), level, col, row).data

    stripped = served(tagged)
    assert not any(canary in stripped for canary in CANARIES)
    assert stripped == original[tagged]  # the portal's own tiles carry no such segments
    assert Image.open(io.BytesIO(stripped)).tobytes() == (
        Image.open(io.BytesIO(original[tagged])).tobytes()
    )
    assert served(untouched) == original[untouched]
