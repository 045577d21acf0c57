"""Which instances of a series make the slide (`dicomweb_import.plan_series`, pure), from the
WADO-RS metadata a PACS sends (DICOM JSON)."""

from __future__ import annotations

import pytest

from slides.dicom_deid import WSI_SOP_CLASS
from slides.dicomweb_import import MAX_FRAMES, SeriesRejected, plan_series


def instance(uid, flavour="VOLUME", *, frames=4, number=1, sop_class=WSI_SOP_CLASS, burned="NO"):
    return {
        "00080016": {"vr": "UI", "Value": [sop_class]},
        "00080018": {"vr": "UI", "Value": [uid]},
        "00080008": {"vr": "CS", "Value": ["ORIGINAL", "PRIMARY", flavour, "NONE"]},
        "00080050": {"vr": "SH", "Value": ["S24-1"]},
        "00200013": {"vr": "IS", "Value": [number]},
        "00280008": {"vr": "IS", "Value": [frames]},
        "00280301": {"vr": "CS", "Value": [burned]},
    }


def test_only_volume_images_are_planned_in_instance_order():
    plan = plan_series(
        [
            instance("1.3", number=3),
            instance("1.9", "LABEL", frames=1, number=9, burned="YES"),
            instance("1.1", number=1, frames=40),
            instance("1.8", "OVERVIEW", frames=1, number=8, burned="YES"),
        ]
    )
    assert plan.volumes == ["1.1", "1.3"]
    assert plan.frames == 44
    assert plan.accession_number == "S24-1"
    assert not plan.burned_in_annotation  # the label's own flag does not count


def test_a_volume_with_burned_in_annotation_is_flagged_for_review():
    assert plan_series([instance("1.1", burned="YES")]).burned_in_annotation


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ([], "no instances"),
        ([instance("1.1", "LABEL")], "no whole-slide image"),
        ([instance("1.1", sop_class="1.2.840.10008.5.1.4.1.1.2")], "no whole-slide image"),
        ([instance("1.1", frames=MAX_FRAMES + 1)], "frames"),
        ([instance("1.1", frames="many")], "frame count"),
        ([instance("1.1/../x")], "valid UID"),
    ],
)
def test_a_series_that_cannot_be_a_slide_is_refused_with_a_reason(metadata, reason):
    with pytest.raises(SeriesRejected, match=reason):
        plan_series(metadata)
