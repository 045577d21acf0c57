"""Talking to a PACS over DICOMweb (QIDO-RS search, WADO-RS retrieval) with `dicomweb-client`.

Search results are for an educator to pick a series from: they are returned to the page and
never stored or logged (they name patients). Every failure of the PACS (down, slow, 4xx/5xx,
nonsense) becomes a `PacsError` whose message a person can read and which holds no credential
and no identifier. Requests time out, and retry with back-off on 408/429/503/504.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

from .models import DicomwebSource

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
SEARCH_LIMIT = 50
WSI_MODALITY = "SM"
# Keep the PACS's own encoding (the JPEG frames as scanned): no transcoding on the way.
AS_STORED = (("application/dicom", "*"),)


class PacsError(Exception):
    """The PACS could not answer; the message is meant for the person who asked."""


@dataclass(frozen=True)
class StudyHit:
    study_uid: str
    study_date: str
    accession_number: str
    description: str
    series_count: int | None


@dataclass(frozen=True)
class SeriesHit:
    study_uid: str
    series_uid: str
    modality: str
    body_part: str
    description: str
    instance_count: int | None


def client_for(source: DicomwebSource):
    from dicomweb_client import DICOMwebClient

    session = requests.Session()
    if source.auth == DicomwebSource.Auth.BASIC:
        session.auth = (source.username, source.secret)
    elif source.auth == DicomwebSource.Auth.BEARER:
        session.headers["Authorization"] = f"Bearer {source.secret}"
    client = DICOMwebClient(
        url=source.url.rstrip("/"), session=session, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
    )
    client.set_http_retry_params(retry=True, max_attempts=3, wait_exponential_multiplier=500)
    return client


@contextmanager
def speaking_plainly(source: DicomwebSource) -> Iterator[None]:
    """Turn whatever the PACS or the network did into a `PacsError` a person can read."""
    try:
        yield
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else "?"
        if status in (401, 403):
            raise PacsError(
                f"{source.name} refused the portal's credentials (HTTP {status})."
            ) from None
        if status == 404:
            raise PacsError(f"{source.name} does not have what was asked for (HTTP 404).") from None
        raise PacsError(f"{source.name} answered with an error (HTTP {status}).") from None
    except requests.Timeout:
        raise PacsError(f"{source.name} did not answer in time.") from None
    except requests.ConnectionError:
        raise PacsError(f"{source.name} cannot be reached.") from None
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise PacsError(
            f"{source.name} sent an answer the portal cannot read ({type(error).__name__})."
        ) from None


def first_value(item: dict[str, Any], tag: str, default: Any = "") -> Any:
    """The first value of `tag` (8 hex digits) in a DICOM JSON object."""
    values = (item.get(tag) or {}).get("Value") or []
    if not values:
        return default
    value = values[0]
    if isinstance(value, dict):  # PN
        return value.get("Alphabetic", default)
    return value


def _count(item: dict[str, Any], tag: str) -> int | None:
    try:
        return int(first_value(item, tag, None))
    except (TypeError, ValueError):
        return None


def _date_range(date_from: date | None, date_to: date | None) -> str:
    if not date_from and not date_to:
        return ""
    start = date_from.strftime("%Y%m%d") if date_from else ""
    end = date_to.strftime("%Y%m%d") if date_to else ""
    return f"{start}-{end}"


def search_studies(
    source: DicomwebSource,
    *,
    accession_number: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[StudyHit]:
    """QIDO-RS: studies holding slide microscopy (modality SM), newest first."""
    filters: dict[str, Any] = {"ModalitiesInStudy": WSI_MODALITY}
    if accession_number.strip():
        filters["AccessionNumber"] = accession_number.strip()
    if dates := _date_range(date_from, date_to):
        filters["StudyDate"] = dates
    with speaking_plainly(source):
        found = client_for(source).search_for_studies(
            search_filters=filters,
            limit=SEARCH_LIMIT,
            fields=["StudyDescription", "NumberOfStudyRelatedSeries"],
        )
        hits = [
            StudyHit(
                study_uid=first_value(item, "0020000D"),
                study_date=first_value(item, "00080020"),
                accession_number=first_value(item, "00080050"),
                description=first_value(item, "00081030"),
                series_count=_count(item, "00201206"),
            )
            for item in found
        ]
    return sorted(hits, key=lambda hit: hit.study_date, reverse=True)


def search_series(
    source: DicomwebSource, *, study_uid: str, body_part: str = ""
) -> list[SeriesHit]:
    """QIDO-RS: the slide microscopy series of one study."""
    filters: dict[str, Any] = {"Modality": WSI_MODALITY}
    if body_part.strip():
        filters["BodyPartExamined"] = body_part.strip().upper()
    with speaking_plainly(source):
        found = client_for(source).search_for_series(
            study_instance_uid=study_uid,
            search_filters=filters,
            limit=SEARCH_LIMIT,
            fields=["SeriesDescription", "BodyPartExamined", "NumberOfSeriesRelatedInstances"],
        )
        return [
            SeriesHit(
                study_uid=study_uid,
                series_uid=first_value(item, "0020000E"),
                modality=first_value(item, "00080060"),
                body_part=first_value(item, "00180015"),
                description=first_value(item, "0008103E"),
                instance_count=_count(item, "00201209"),
            )
            for item in found
        ]
