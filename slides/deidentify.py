"""The metadata allow-list: what of a slide file's metadata may ever be stored or served.

Pure functions over OpenSlide's property dictionary. Everything not named here (file names,
dates, operators, scanner serials, barcodes, comments, DICOM patient and study attributes,
quickhash, associated images) is dropped by construction: the pyramid that is served is a new set
of pixel tiles, and only the values returned by `allowed_metadata` are kept beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

KNOWN_VENDORS = frozenset(
    {
        "aperio",
        "dicom",
        "generic-tiff",
        "hamamatsu",
        "leica",
        "mirax",
        "philips",
        "sakura",
        "synthetic",
        "trestle",
        "ventana",
        "zeiss",
    }
)
MPP_RANGE = (0.01, 100.0)
OBJECTIVE_RANGE = (0.5, 200.0)


@dataclass(frozen=True)
class SlideMetadata:
    width: int
    height: int
    vendor: str
    mpp_x: float | None
    mpp_y: float | None
    objective_power: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def _number_in_range(raw: str | None, bounds: tuple[float, float]) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        return None
    return round(value, 6)


def allowed_metadata(properties: Mapping[str, str], dimensions: tuple[int, int]) -> SlideMetadata:
    """The allow-listed metadata of a slide: numbers checked for sense, vendor from a fixed set.

    A value that does not parse or is implausible is dropped rather than guessed, so a slide
    without trustworthy mpp has none (and the viewer hides its scale bar).
    """
    vendor = properties.get("openslide.vendor", "")
    mpp_x = _number_in_range(properties.get("openslide.mpp-x"), MPP_RANGE)
    mpp_y = _number_in_range(properties.get("openslide.mpp-y"), MPP_RANGE)
    if mpp_x is None or mpp_y is None:
        mpp_x = mpp_y = None
    return SlideMetadata(
        width=int(dimensions[0]),
        height=int(dimensions[1]),
        vendor=vendor if vendor in KNOWN_VENDORS else "other",
        mpp_x=mpp_x,
        mpp_y=mpp_y,
        objective_power=_number_in_range(
            properties.get("openslide.objective-power"), OBJECTIVE_RANGE
        ),
    )


def effective_objective_power(objective_power: float | None, mpp: float | None) -> float | None:
    """The magnification of full resolution, from the scanner's objective or else from mpp
    (10 µm per pixel at 1×, the convention used by most viewers: 0.25 µm/px ≈ 40×)."""
    if objective_power:
        return objective_power
    if mpp:
        return round(10.0 / mpp, 2)
    return None
