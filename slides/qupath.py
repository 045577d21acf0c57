"""Annotations to and from QuPath's GeoJSON (QuPath 0.4 and 0.5, reading older files too).

QuPath writes a FeatureCollection, a list of Features or one Feature. Each Feature's
`properties` hold `objectType` ("annotation", "detection", "cell", "tile", ...), an optional
`name`, an optional object `color` ([r, g, b]), an optional `classification`
(`{"name": ..., "color": [r, g, b]}`; `names` for derived classes; `colorRGB`, a packed signed
int, before 0.4), `isLocked`, `measurements` and `metadata` (a map of strings).

How our properties map onto QuPath's, both ways:

- `label` is the object's `name` and, when not empty, its classification name, so QuPath lists,
  colours and counts annotations by label. An empty label gives no classification at all:
  QuPath's "Unclassified" is the absence of a class, not a class of that name. On import the
  label is `name`, else the classification name (derived classes joined with ": "), else "".
- `colour` is the object `color` and the classification colour. The object colour wins on
  import (QuPath draws with it even when the project already has the class in another colour),
  then the classification colour, then the default.
- `note` is the metadata value `ANNOTATION_DESCRIPTION`, which QuPath shows and edits as the
  annotation's description.
- `kind` is the metadata value `portal_kind`. Without it (or when QuPath users changed the
  shape so that it no longer fits), the kind is inferred from the geometry.

So exporting and importing again gives back the same geometry and properties. Feature ids,
locks and measurements are not kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .geometry import (
    DEFAULT_COLOUR,
    GeometryError,
    check_kind_matches,
    validate_geometry,
    validate_properties,
)

MAX_FEATURES = 5000
METADATA_KIND = "portal_kind"
METADATA_NOTE = "ANNOTATION_DESCRIPTION"  # QuPath's own key for an annotation's description
# QuPath 0.2 wrote the object's class as the feature id instead of an objectType.
LEGACY_OBJECT_TYPES = {
    "PathAnnotationObject": "annotation",
    "PathDetectionObject": "detection",
    "PathCellObject": "cell",
    "PathTileObject": "tile",
    "TMACoreObject": "tmaCore",
    "PathRootObject": "root",
}
NOT_GEOJSON = (
    "The file is not GeoJSON annotations: expected a FeatureCollection, a Feature "
    "or a list of Features."
)


@dataclass(frozen=True)
class ImportResult:
    """Annotations accepted from a file, and one reason per feature that was left out."""

    annotations: list[tuple[dict, dict]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _hex_to_rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def to_feature_collection(annotations: Iterable[tuple[dict, dict]]) -> dict:
    """A QuPath-importable FeatureCollection of (geometry, properties) pairs.

    The pairs must be as returned by geometry.validate_annotation; they are not checked again.
    Geometries are copied. See the module docstring for where each property goes.
    """
    features = []
    for geometry, properties in annotations:
        rgb = _hex_to_rgb(properties["colour"])
        qupath: dict = {"objectType": "annotation"}
        if properties["label"]:
            qupath["name"] = properties["label"]
            qupath["classification"] = {"name": properties["label"], "color": rgb}
        qupath["color"] = list(rgb)
        metadata = {METADATA_KIND: properties["kind"]}
        if properties["note"]:
            metadata[METADATA_NOTE] = properties["note"]
        qupath["metadata"] = metadata
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": geometry["type"],
                    # a deep copy that also turns any tuples into lists
                    "coordinates": json.loads(json.dumps(geometry["coordinates"])),
                },
                "properties": qupath,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _features(data: object, max_features: int) -> list:
    if isinstance(data, str | bytes | bytearray):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            raise GeometryError("The file is not valid JSON.") from None
    if isinstance(data, list):
        features = data
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise GeometryError("The FeatureCollection has no list of features.")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        raise GeometryError(NOT_GEOJSON)
    if len(features) > max_features:
        raise GeometryError(
            f"The file has {len(features):,} features; "
            f"at most {max_features:,} can be imported at once."
        )
    return features


def _rgb(value: object) -> str:
    """`#rrggbb` from a QuPath colour: [r, g, b], [r, g, b, a], [packed] or a packed int.

    Packed ints are Java's signed ARGB (e.g. -16776961 is opaque blue) or unsigned RGB; alpha
    is ignored. Raises GeometryError for anything else.
    """
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**32:
        packed = value & 0xFFFFFF
        return f"#{packed:06x}"
    if (
        isinstance(value, list | tuple)
        and len(value) in (3, 4)
        and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value)
    ):
        return "#{:02x}{:02x}{:02x}".format(*value[:3])
    raise GeometryError(f"The colour {json.dumps(value)[:40]} is not an RGB colour.")


def _classification(value: object) -> tuple[str, object]:
    """(name, colour or None) of a QuPath classification in any of its spellings."""
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    if not isinstance(value, dict):
        raise GeometryError("The classification is neither a name nor an object.")
    name = value.get("name")
    names = value.get("names")
    if isinstance(name, str):
        pass
    elif isinstance(names, list) and all(isinstance(n, str) for n in names):
        name = ": ".join(names)
    else:
        name = ""
    colour = value.get("color", value.get("colorRGB"))
    return name, colour


def _is_axis_aligned_rectangle(geometry: dict) -> bool:
    if geometry["type"] != "Polygon" or len(geometry["coordinates"]) != 1:
        return False
    ring = geometry["coordinates"][0]
    if len(ring) != 5:
        return False
    sides = zip(ring, ring[1:], strict=False)
    return (
        len({x for x, _ in ring}) == 2
        and len({y for _, y in ring}) == 2
        and all((a[0] == b[0]) != (a[1] == b[1]) for a, b in sides)
    )


def infer_kind(geometry: dict) -> str:
    """The kind of a validated geometry drawn elsewhere: point, line, rectangle or polygon.

    Rectangles are single-ring polygons of four axis-aligned sides.
    """
    kind = geometry["type"]
    if kind in ("Point", "MultiPoint"):
        return "point"
    if kind == "LineString":
        return "line"
    if _is_axis_aligned_rectangle(geometry):
        return "rectangle"
    return "polygon"


def _annotation(feature: object, *, width: int, height: int) -> tuple[dict, dict]:
    """One QuPath annotation feature as validated (geometry, properties); GeometryError else.

    Validates as geometry.validate_annotation does, but validates the geometry before choosing
    the kind, since inferring a kind needs a well-formed geometry.
    """
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise GeometryError("it is not a GeoJSON Feature.")
    qupath = feature.get("properties")
    if qupath is None:
        qupath = {}
    if not isinstance(qupath, dict):
        raise GeometryError("its properties are not an object.")
    feature_id = feature.get("id")
    legacy_type = "annotation"
    if isinstance(feature_id, str):
        legacy_type = LEGACY_OBJECT_TYPES.get(feature_id, legacy_type)
    object_type = qupath.get("objectType", qupath.get("object_type", legacy_type))
    if object_type != "annotation":
        shown = f"'{object_type}'" if isinstance(object_type, str) else json.dumps(object_type)
        raise GeometryError(f"objectType {shown[:40]} is not an annotation.")
    if feature.get("geometry") is None:
        raise GeometryError("it has no geometry.")

    class_name, class_colour = _classification(qupath.get("classification"))
    name = qupath.get("name")
    label = name if isinstance(name, str) and name.strip() else class_name
    colour_value = qupath.get("color", class_colour)
    colour = DEFAULT_COLOUR if colour_value is None else _rgb(colour_value)
    metadata = qupath.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    note = metadata.get(METADATA_NOTE)
    kind = metadata.get(METADATA_KIND)

    geometry = validate_geometry(feature["geometry"], width=width, height=height)
    try:
        check_kind_matches(kind, geometry["type"])
    except GeometryError:
        kind = infer_kind(geometry)
    properties = validate_properties({"label": label, "colour": colour, "note": note, "kind": kind})
    return geometry, properties


def from_geojson(
    data: object, *, width: int, height: int, max_features: int = MAX_FEATURES
) -> ImportResult:
    """Annotations from QuPath GeoJSON for a `width` × `height` slide.

    `data` is parsed JSON (or its text): a FeatureCollection, a list of Features or one Feature.
    Raises GeometryError when it is none of these or has more than `max_features` features.
    Otherwise each feature either becomes a validated (geometry, properties) pair or is skipped
    with a reason such as "feature 3: objectType 'detection' is not an annotation." (features are
    numbered from 1 in file order). Detections, cells, tiles and other objects are skipped.
    """
    features = _features(data, max_features)
    annotations = []
    skipped = []
    for number, feature in enumerate(features, start=1):
        try:
            annotations.append(_annotation(feature, width=width, height=height))
        except GeometryError as error:
            skipped.append(f"feature {number}: {error}")
    return ImportResult(annotations=annotations, skipped=skipped)


def _n(value: float) -> str:
    """A coordinate for SVG: at most 2 decimals, no exponent."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg_rings(rings: list) -> str:
    return " ".join(
        "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in ring[:-1]) + " Z" for ring in rings
    )


def _svg(geometry: dict) -> str:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        coordinates, kind = [coordinates], "MultiPoint"
    if kind == "MultiPoint":
        body = "".join(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="1"/>' for x, y in coordinates)
    elif kind == "LineString":
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates)
        body = f'<polyline points="{points}" fill="none"/>'
    else:
        polygons = [coordinates] if kind == "Polygon" else coordinates
        rings = _svg_rings([ring for polygon in polygons for ring in polygon])
        body = f'<path fill-rule="evenodd" d="{rings}"/>'
    return f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'


def to_web_annotations(annotations: Iterable[tuple[dict, dict]], *, target: str) -> list[dict]:
    """W3C Web Annotations (e.g. for Annotorious/OpenSeadragon) of validated pairs on `target`.

    Each shape becomes an SvgSelector in level-0 pixels of the image at `target` (a URL, such
    as the slide's IIIF image). The label is a "tagging" body and the note a "commenting" one.
    """
    result = []
    for geometry, properties in annotations:
        bodies = []
        if properties["label"]:
            bodies.append(
                {"type": "TextualBody", "purpose": "tagging", "value": properties["label"]}
            )
        if properties["note"]:
            bodies.append(
                {"type": "TextualBody", "purpose": "commenting", "value": properties["note"]}
            )
        result.append(
            {
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "type": "Annotation",
                "body": bodies,
                "target": {
                    "source": target,
                    "selector": {"type": "SvgSelector", "value": _svg(geometry)},
                },
            }
        )
    return result
