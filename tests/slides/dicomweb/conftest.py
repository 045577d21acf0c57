"""A real Orthanc (tests/orthanc.py) and canary-laden DICOM WSI series (fixtures/pacs.py)."""

from __future__ import annotations

import pytest

from tests.orthanc import running_orthanc


@pytest.fixture(scope="session")
def orthanc(tmp_path_factory):
    """One Orthanc for the session; tests that push series delete them when done."""
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture(scope="session")
def pacs_series(tmp_path_factory):
    """The instance files of one small canary series (3 VOLUME levels, LABEL, OVERVIEW)."""
    from fixtures.pacs import make_pacs_series

    return make_pacs_series(tmp_path_factory.mktemp("pacs-series"), width=2000, height=1500)


@pytest.fixture(scope="session")
def canary_files(tmp_path_factory):
    """A small synthetic canary slide as DICOM files: a VOLUME level, LABEL and OVERVIEW."""
    from fixtures.synthetic import make_dicom_wsi

    level0 = make_dicom_wsi(tmp_path_factory.mktemp("push"), width=600, height=500, canary=True)
    return sorted(level0.parent.glob("*.dcm"))


@pytest.fixture
def stored_series(orthanc, pacs_series):
    """`pacs_series` pushed into Orthanc over STOW-RS; removed from it afterwards."""
    orthanc.stow(pacs_series)
    yield pacs_series
    orthanc.delete_everything()


@pytest.fixture
def orthanc_source(db, orthanc):
    """The test Orthanc configured as an educator would, with basic auth."""
    from slides.models import DicomwebSource

    return DicomwebSource.objects.create(
        name="Test PACS",
        url=orthanc.dicomweb_url,
        auth=DicomwebSource.Auth.BASIC,
        username=orthanc.auth[0],
        secret=orthanc.auth[1],
    )


def series_uids(files) -> tuple[str, str]:
    import pydicom

    ds = pydicom.dcmread(files[0], stop_before_pixels=True)
    return ds.StudyInstanceUID, ds.SeriesInstanceUID
