"""DICOM de-identification by allow-list (slides/dicom_deid.py), on pydicom datasets carrying
the PACS canaries of fixtures/pacs.py in every identifying attribute."""

from __future__ import annotations

import copy

import openslide
import pydicom
import pytest
from pydicom.datadict import keyword_dict

from fixtures.pacs import (
    CANARY,
    CANARY_TEXT,
    CANARY_TIME,
    CANARY_UID_ROOT,
    SPECIMEN_CANARY,
    stamp_canaries,
)
from fixtures.synthetic import CANARY_DATE, make_dicom_wsi
from slides import dicom_deid
from slides.dicom_deid import NewUids

STUDY = f"{CANARY_UID_ROOT}.1.99"
SERIES = f"{CANARY_UID_ROOT}.2.99"
TRACES = (CANARY.encode(), CANARY_DATE.encode(), CANARY_TIME.encode(), CANARY_UID_ROOT.encode())


@pytest.fixture(scope="module")
def canary_series(tmp_path_factory):
    """A 3-level series plus LABEL and OVERVIEW, every instance stamped with the canaries."""
    level0 = make_dicom_wsi(
        tmp_path_factory.mktemp("deid"), width=1200, height=900, canary=True, stem="series"
    )
    datasets = {}
    for number, path in enumerate(sorted(level0.parent.glob("*.dcm")), start=1):
        ds = pydicom.dcmread(path)
        stamp_canaries(ds, study_uid=STUDY, series_uid=SERIES, number=number)
        datasets[path.stem.removeprefix(f"{CANARY}-")] = ds
    return datasets


def test_both_lists_name_real_dicom_attributes():
    assert dicom_deid.BASIC_PROFILE | dicom_deid.allowed_keywords() <= set(keyword_dict)


def test_the_allow_list_keeps_nothing_the_basic_profile_removes():
    assert dicom_deid.allowed_keywords() & dicom_deid.BASIC_PROFILE == set()
    assert set(CANARY_TEXT) <= dicom_deid.BASIC_PROFILE | {"DerivationDescription"}
    assert not set(dicom_deid.REVIEWABLE) & dicom_deid.allowed_keywords()


def test_the_canaries_are_really_in_the_source(canary_series, tmp_path):
    path = tmp_path / "source.dcm"
    canary_series["level-0"].save_as(path, enforce_file_format=True)
    data = path.read_bytes()
    assert all(trace in data for trace in TRACES)


@pytest.mark.parametrize("level", ["level-0", "level-1"])
def test_no_canary_survives_in_a_deidentified_instance(canary_series, tmp_path, level):
    clean = dicom_deid.deidentify(canary_series[level], uids=NewUids.fresh())
    path = tmp_path / "clean.dcm"
    clean.save_as(path, enforce_file_format=True)
    data = path.read_bytes()
    for trace in TRACES:
        assert trace not in data
    reread = pydicom.dcmread(path, stop_before_pixels=True)
    assert not any(element.tag.is_private for element in reread)
    for keyword in dicom_deid.BASIC_PROFILE - {
        "StudyInstanceUID",
        "SeriesInstanceUID",
        "SOPInstanceUID",
        "FrameOfReferenceUID",
    }:
        assert keyword not in reread, keyword


def test_a_deidentified_series_still_opens_in_openslide_with_its_scale(canary_series, tmp_path):
    uids = NewUids.fresh()
    for name in ("level-0", "level-1"):
        clean = dicom_deid.deidentify(canary_series[name], uids=uids)
        clean.save_as(tmp_path / f"{name}.dcm", enforce_file_format=True)
    slide = openslide.OpenSlide(tmp_path / "level-0.dcm")
    assert slide.dimensions == (1200, 900)
    assert slide.level_count == 2
    assert float(slide.properties["openslide.mpp-x"]) == pytest.approx(0.25)
    assert slide.properties["openslide.objective-power"] == "40"
    assert dict(slide.associated_images) == {}
    assert all(CANARY not in value for value in slide.properties.values())


@pytest.mark.parametrize("kind", ["label", "overview"])
def test_label_and_overview_images_are_never_stored(canary_series, kind):
    ds = canary_series[kind]
    assert not dicom_deid.is_storable(ds)
    assert dicom_deid.has_burned_in_annotation(ds)
    with pytest.raises(ValueError):
        dicom_deid.deidentify(ds, uids=NewUids.fresh())


def test_another_sop_class_is_not_stored(canary_series):
    ds = copy.deepcopy(canary_series["level-0"])
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT
    assert not dicom_deid.is_storable(ds)


def test_fresh_uids_name_no_site_and_are_shared_by_one_series(canary_series):
    uids = NewUids.fresh()
    first = dicom_deid.deidentify(canary_series["level-0"], uids=uids)
    second = dicom_deid.deidentify(canary_series["level-1"], uids=uids)
    assert first.SeriesInstanceUID == second.SeriesInstanceUID == uids.series
    assert first.SOPInstanceUID != second.SOPInstanceUID
    assert not first.SeriesInstanceUID.startswith(CANARY_UID_ROOT)
    assert NewUids.fresh().series != uids.series


def test_the_accession_number_is_kept_only_as_a_keyed_hash():
    digest = dicom_deid.accession_hash(" s24-123 ", secret_key="key-one")
    assert digest == dicom_deid.accession_hash("S24-123", secret_key="key-one")
    assert digest != dicom_deid.accession_hash("S24-123", secret_key="key-two")
    assert digest != dicom_deid.accession_hash("S24-124", secret_key="key-one")
    assert "S24" not in digest.upper() and len(digest) == 64
    assert dicom_deid.accession_hash("  ", secret_key="key-one") == ""


def test_specimen_descriptions_are_offered_for_review_not_copied(canary_series):
    ds = canary_series["level-0"]
    assert dicom_deid.reviewable_descriptions(ds) == [
        f"{SPECIMEN_CANARY} H&E",
        f"{SPECIMEN_CANARY} core biopsy, left breast",
    ]
    clean = dicom_deid.deidentify(ds, uids=NewUids.fresh())
    assert "SpecimenDescriptionSequence" not in clean
