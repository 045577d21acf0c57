"""Validation and measurement of annotation shapes drawn on a slide.

Shapes are GeoJSON geometries in level-0 pixel coordinates of the slide: x to the right, y down,
0 ≤ x ≤ width and 0 ≤ y ≤ height. Properties say what the shape means (`kind`), what it is
called (`label`), how it is drawn (`colour`) and what an educator wrote about it (`note`).

Every rejection is a `GeometryError` whose message is one sentence fit to show the user as is.
Measurements in micrometres scale x by `mpp_x` and y by `mpp_y` (µm per pixel), which may differ.
"""

from __future__ import annotations

import math
import re
import reprlib

import shapely
from shapely.affinity import scale
from shapely.geometry import shape
from shapely.validation import explain_validity

ALLOWED_TYPES = ("Point", "MultiPoint", "LineString", "Polygon", "MultiPolygon")
MAX_VERTICES = 10_000

KINDS = ("point", "line", "arrow", "rectangle", "ellipse", "polygon", "freehand")
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString",),
    "arrow": ("LineString",),
    "rectangle": ("Polygon",),
    "ellipse": ("Polygon",),
    "polygon": ("Polygon", "MultiPolygon"),
    "freehand": ("Polygon", "MultiPolygon"),
}
DEFAULT_COLOUR = "#1f77b4"
MAX_LABEL_LENGTH = 200
MAX_NOTE_LENGTH = 5000
PROPERTY_KEYS = ("label", "colour", "note", "kind")

NO_PIXEL_SIZE = "This slide has no pixel size, so lengths and areas cannot be measured."

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_VALIDITY = re.compile(r"(?P<reason>.*)\[(?P<x>\S+) (?P<y>\S+)\]")
_VALIDITY_SENTENCES = {
    "Self-intersection": "The polygon crosses itself near {at}.",
    "Ring Self-intersection": "The polygon crosses itself near {at}.",
    "Hole lies outside shell": "A hole lies outside the outline of its polygon near {at}.",
    "Holes are nested": "A hole lies inside another hole near {at}.",
    "Interior is disconnected": "The holes cut the polygon into separate pieces near {at}.",
    "Nested shells": "One part of the shape lies inside another near {at}.",
    "Too few points in geometry component": "The polygon has too few distinct corners near {at}.",
}

_short = reprlib.Repr()
_short.maxstring = 40
_short.maxother = 40
_short.maxlist = 4


class GeometryError(ValueError):
    """A shape or its properties cannot be accepted; the message is a sentence for the user."""


def _num(value: float) -> str:
    """A coordinate as people write it: 1234, 12.5, 0.25 (at most 2 decimals, no separators)."""
    value = round(value, 2)
    if abs(value) >= 1e9:
        return f"{value:.3g}"
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


def _at(x: float, y: float) -> str:
    return f"({_num(x)}, {_num(y)})"


def _count_vertices(kind: str, coordinates: object, limit: int) -> tuple[int, bool]:
    """Positions in `coordinates` by their list lengths only, stopping once past `limit`.

    Returns (count, complete): `complete` is False when the walk stopped early, so `count` is only
    a lower bound. Malformed parts are not counted; the structural checks report them later.
    """
    if kind == "Point":
        return 1, True
    if not isinstance(coordinates, list | tuple):
        return 0, True
    if kind in ("MultiPoint", "LineString"):
        return len(coordinates), True
    polygons = [coordinates] if kind == "Polygon" else coordinates
    total = 0
    last_polygon = len(polygons) - 1
    for p, polygon in enumerate(polygons):
        if not isinstance(polygon, list | tuple):
            continue
        for r, ring in enumerate(polygon):
            if isinstance(ring, list | tuple):
                total += len(ring)
            if total > limit:
                return total, p == last_polygon and r == len(polygon) - 1
    return total, True


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GeometryError(f"Coordinates must be numbers; {_short.repr(value)} is not a number.")
    try:
        number = float(value)
    except OverflowError:
        raise GeometryError(f"The coordinate {_short.repr(value)} is far too large.") from None
    if not math.isfinite(number):
        raise GeometryError(f"Coordinates must be finite numbers, not {number}.")
    return round(number, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _position(value: object, width: int, height: int) -> list[float]:
    if not isinstance(value, list | tuple):
        raise GeometryError(
            f"A position must be a pair of numbers [x, y], not {_short.repr(value)}."
        )
    if len(value) != 2:
        raise GeometryError(
            f"The position {_short.repr(value)} has {len(value)} numbers; "
            "positions must be exactly [x, y]."
        )
    x, y = _number(value[0]), _number(value[1])
    if not (0 <= x <= width and 0 <= y <= height):
        raise GeometryError(
            f"Point {_at(x, y)} lies outside the slide ({width} × {height} pixels)."
        )
    return [x, y]


def _list(value: object, what: str) -> list | tuple:
    if not isinstance(value, list | tuple):
        raise GeometryError(f"{what} must be a list, not {_short.repr(value)}.")
    if not value:
        raise GeometryError(f"{what} is empty.")
    return value


def _positions(value: object, what: str, width: int, height: int) -> list[list[float]]:
    return [_position(item, width, height) for item in _list(value, what)]


def _line(value: object, width: int, height: int) -> list[list[float]]:
    positions = _positions(value, "The line's list of positions", width, height)
    if len({tuple(p) for p in positions}) < 2:
        raise GeometryError("A line needs at least two different points.")
    return positions


def _polygon(value: object, width: int, height: int) -> list[list[list[float]]]:
    rings = []
    for i, ring in enumerate(_list(value, "The polygon's list of outlines")):
        name = "The polygon's outline" if i == 0 else f"Hole {i} of the polygon"
        positions = _positions(ring, name, width, height)
        if len(positions) < 4:
            raise GeometryError(
                f"{name} has {len(positions)} positions; at least 4 are needed "
                "(3 corners and the first corner repeated at the end)."
            )
        if positions[0] != positions[-1]:
            raise GeometryError(
                f"{name} is not closed: it starts at {_at(*positions[0])} "
                f"but ends at {_at(*positions[-1])}."
            )
        rings.append(positions)
    return rings


def _check_polygonal(kind: str, coordinates: list) -> None:
    """Raise unless the (already well-formed) polygon or multipolygon is valid with area > 0."""
    parts = [coordinates] if kind == "Polygon" else coordinates
    geometry = shapely.MultiPolygon([(rings[0], rings[1:]) for rings in parts])
    if not geometry.is_valid:
        explanation = explain_validity(geometry)
        match = _VALIDITY.fullmatch(explanation)
        if match is None:
            raise GeometryError(f"The polygon is not valid ({explanation}).")
        at = _at(float(match["x"]), float(match["y"]))
        template = _VALIDITY_SENTENCES.get(match["reason"])
        if template is None:
            raise GeometryError(f"The polygon is not valid ({match['reason']}) near {at}.")
        raise GeometryError(template.format(at=at))
    if any(part.area <= 0 for part in geometry.geoms):
        raise GeometryError("The polygon has no area.")


def validate_geometry(
    geometry: object, *, width: int, height: int, max_vertices: int = MAX_VERTICES
) -> dict:
    """A normalised copy of `geometry`, or GeometryError saying what is wrong with it.

    Accepts a GeoJSON geometry object with exactly the keys `type` (one of ALLOWED_TYPES) and
    `coordinates`, in pixels of a `width` × `height` slide. Checks, in this order: the vertex
    count (a cheap walk that stops past `max_vertices`, so huge payloads fail fast), the structure
    (numbers only, finite, exactly two per position), bounds, polygon rings closed with at least
    4 positions, lines with two distinct points, polygons valid per shapely with non-zero area.
    The copy has coordinates as floats rounded to 2 decimals, lists not tuples, nothing else
    changed; validating it again returns an equal dict.
    """
    if not isinstance(geometry, dict):
        raise GeometryError("The shape must be a GeoJSON geometry object.")
    kind = geometry.get("type")
    if kind not in ALLOWED_TYPES:
        allowed = ", ".join(ALLOWED_TYPES[:-1]) + f" or {ALLOWED_TYPES[-1]}"
        if kind is None:
            raise GeometryError(f"The shape has no type; use {allowed}.")
        raise GeometryError(f"Shapes of type {_short.repr(kind)} are not supported; use {allowed}.")
    unexpected = sorted(str(key) for key in geometry if key not in ("type", "coordinates"))
    if unexpected:
        raise GeometryError(f"The shape has unexpected keys: {', '.join(unexpected)}.")
    if "coordinates" not in geometry:
        raise GeometryError("The shape has no coordinates.")
    coordinates = geometry["coordinates"]
    if coordinates is None or coordinates == []:
        raise GeometryError("The shape has no coordinates.")

    count, complete = _count_vertices(kind, coordinates, max_vertices)
    if count > max_vertices:
        has = f"{count:,}" if complete else f"more than {max_vertices:,}"
        raise GeometryError(f"The shape has {has} vertices; at most {max_vertices:,} are allowed.")

    if kind == "Point":
        normalised: list = _position(coordinates, width, height)
    elif kind == "MultiPoint":
        normalised = _positions(coordinates, "The list of points", width, height)
    elif kind == "LineString":
        normalised = _line(coordinates, width, height)
    elif kind == "Polygon":
        normalised = _polygon(coordinates, width, height)
    else:
        parts = _list(coordinates, "The list of polygons")
        normalised = [_polygon(part, width, height) for part in parts]
    if kind in ("Polygon", "MultiPolygon"):
        _check_polygonal(kind, normalised)
    return {"type": kind, "coordinates": normalised}


def _optional_text(properties: dict, key: str, limit: int, *, strip: bool) -> str:
    value = properties.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise GeometryError(f"The {key} must be text.")
    if strip:
        value = value.strip()
    if len(value) > limit:
        raise GeometryError(
            f"The {key} has {len(value):,} characters; at most {limit:,} are allowed."
        )
    return value


def validate_properties(properties: object) -> dict:
    """A normalised copy of annotation `properties`, or GeometryError.

    Allowed keys: `kind` (required, one of KINDS), `label` (text ≤ 200 characters, stripped),
    `colour` (`#rrggbb`, lower-cased) and `note` (text ≤ 5000 characters, kept as written).
    None stands for a missing value. The copy always has all four keys, with "" for a missing
    label or note and DEFAULT_COLOUR for a missing colour. Unknown keys are an error naming them.
    """
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise GeometryError("The annotation's properties must be an object.")
    unknown = sorted(str(key) for key in properties if key not in PROPERTY_KEYS)
    if unknown:
        raise GeometryError(
            f"Unknown annotation properties: {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(PROPERTY_KEYS))}."
        )
    kind = properties.get("kind")
    if kind is None:
        raise GeometryError(f"The annotation needs a kind: one of {', '.join(KINDS)}.")
    if kind not in KINDS:
        raise GeometryError(
            f"{_short.repr(kind)} is not a kind of annotation; use one of {', '.join(KINDS)}."
        )
    colour = properties.get("colour")
    if colour is None:
        colour = DEFAULT_COLOUR
    elif not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
        raise GeometryError(
            f"The colour {_short.repr(colour)} is not of the form #rrggbb (e.g. #1f77b4)."
        )
    return {
        "label": _optional_text(properties, "label", MAX_LABEL_LENGTH, strip=True),
        "colour": colour.lower(),
        "note": _optional_text(properties, "note", MAX_NOTE_LENGTH, strip=False),
        "kind": kind,
    }


def check_kind_matches(kind: str, geometry_type: str) -> None:
    """Raise GeometryError unless an annotation of `kind` may have a `geometry_type` shape.

    Points are Point or MultiPoint; lines and arrows are LineStrings; rectangles and ellipses
    are single Polygons; polygons and freehand shapes are Polygons or MultiPolygons.
    """
    allowed = KIND_TYPES.get(kind) if isinstance(kind, str) else None
    if allowed is None:
        raise GeometryError(
            f"{_short.repr(kind)} is not a kind of annotation; use one of {', '.join(KINDS)}."
        )
    if geometry_type not in allowed:
        raise GeometryError(
            f"An annotation of kind '{kind}' must be a {' or '.join(allowed)}, "
            f"not a {geometry_type}."
        )


def validate_annotation(
    geometry: object,
    properties: object,
    *,
    width: int,
    height: int,
    max_vertices: int = MAX_VERTICES,
) -> tuple[dict, dict]:
    """(geometry, properties), each validated and normalised as above, whose kind and type agree."""
    clean_geometry = validate_geometry(
        geometry, width=width, height=height, max_vertices=max_vertices
    )
    clean_properties = validate_properties(properties)
    check_kind_matches(clean_properties["kind"], clean_geometry["type"])
    return clean_geometry, clean_properties


def _check_mpp(mpp_x: float | None, mpp_y: float | None) -> tuple[float, float]:
    if mpp_x is None or mpp_y is None:
        raise GeometryError(NO_PIXEL_SIZE)
    if not all(math.isfinite(m) and m > 0 for m in (mpp_x, mpp_y)):
        raise GeometryError("This slide's pixel size is not a positive number.")
    return mpp_x, mpp_y


def _scaled(geometry: dict, mpp_x: float, mpp_y: float) -> shapely.Geometry:
    return scale(shape(geometry), xfact=mpp_x, yfact=mpp_y, origin=(0, 0))


def length_um(geometry: dict, mpp_x: float | None, mpp_y: float | None) -> float:
    """Length in µm of a validated LineString; GeometryError for other shapes or unknown mpp."""
    mpp_x, mpp_y = _check_mpp(mpp_x, mpp_y)
    if geometry.get("type") != "LineString":
        raise GeometryError(f"Only lines have a length; this shape is a {geometry.get('type')}.")
    return float(_scaled(geometry, mpp_x, mpp_y).length)


def area_um2(geometry: dict, mpp_x: float | None, mpp_y: float | None) -> float:
    """Area in µm² of a validated Polygon or MultiPolygon (holes excluded); GeometryError else."""
    mpp_x, mpp_y = _check_mpp(mpp_x, mpp_y)
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"Only polygons have an area; this shape is a {geometry.get('type')}.")
    return float(_scaled(geometry, mpp_x, mpp_y).area)


def distance_um(
    a: tuple[float, float], b: tuple[float, float], mpp_x: float | None, mpp_y: float | None
) -> float:
    """Straight-line distance in µm between two pixel positions; GeometryError for unknown mpp."""
    mpp_x, mpp_y = _check_mpp(mpp_x, mpp_y)
    return math.hypot((b[0] - a[0]) * mpp_x, (b[1] - a[1]) * mpp_y)


def centroid(geometry: dict) -> tuple[float, float]:
    """Centre of mass in pixels of a validated geometry (may lie outside a concave polygon)."""
    point = shape(geometry).centroid
    return float(point.x), float(point.y)


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) in pixels of a validated geometry."""
    minx, miny, maxx, maxy = shape(geometry).bounds
    return float(minx), float(miny), float(maxx), float(maxy)


def ellipse_polygon(cx: float, cy: float, rx: float, ry: float, segments: int = 64) -> dict:
    """A closed Polygon through `segments` points of the axis-aligned ellipse around (cx, cy).

    Coordinates are rounded to 2 decimals as validate_geometry would, so a valid result passes
    through it unchanged. Raises ValueError for fewer than 3 segments or a non-positive radius.
    """
    if segments < 3:
        raise ValueError("an ellipse needs at least 3 segments")
    if not (rx > 0 and ry > 0):
        raise ValueError("ellipse radii must be positive")
    ring = [
        [
            round(cx + rx * math.cos(2 * math.pi * i / segments), 2) + 0.0,
            round(cy + ry * math.sin(2 * math.pi * i / segments), 2) + 0.0,
        ]
        for i in range(segments)
    ]
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}
