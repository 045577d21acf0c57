"""The test PACS itself: Orthanc starts from the repository's configuration, takes a canary
series over STOW-RS and finds it again over QIDO-RS, with basic auth required."""

from __future__ import annotations

import pydicom
import pytest
import requests

from fixtures.pacs import CANARY, CANARY_UID_ROOT

pytestmark = pytest.mark.slow


def test_it_refuses_dicomweb_without_credentials(orthanc):
    response = requests.get(f"{orthanc.dicomweb_url}/studies", timeout=10)
    assert response.status_code == 401


def test_a_series_pushed_over_stow_rs_is_found_over_qido_rs(orthanc, stored_series):
    study_uid = pydicom.dcmread(stored_series[0], stop_before_pixels=True).StudyInstanceUID
    response = requests.get(
        f"{orthanc.dicomweb_url}/studies",
        params={"ModalitiesInStudy": "SM"},
        auth=orthanc.auth,
        headers={"Accept": "application/dicom+json"},
        timeout=10,
    )
    response.raise_for_status()
    (study,) = response.json()
    assert study["0020000D"]["Value"] == [study_uid]
    assert study_uid.startswith(CANARY_UID_ROOT)
    assert CANARY in study["00080050"]["Value"][0]  # accession number: the canary is there
    series = requests.get(
        f"{orthanc.dicomweb_url}/studies/{study_uid}/series/"
        f"{pydicom.dcmread(stored_series[0], stop_before_pixels=True).SeriesInstanceUID}/instances",
        auth=orthanc.auth,
        headers={"Accept": "application/dicom+json"},
        timeout=10,
    ).json()
    assert len(series) == len(stored_series) == 5
