"""A picture of where a cohort's points and outlines fell, over the reference region."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from slides.deepzoom import DeepZoomGeometry
from slides.regions import RegionUnavailable, compose

MAX_SIDE = 900
REFERENCE = (0, 160, 0)
ANSWER = (220, 30, 30)


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [[tuple(p) for p in geometry["coordinates"][0]]]
    if kind == "MultiPolygon":
        return [[tuple(p) for p in polygon[0]] for polygon in geometry["coordinates"]]
    if kind == "LineString":
        return [[tuple(p) for p in geometry["coordinates"]]]
    if kind == "GeometryCollection":
        return [ring for part in geometry["geometries"] for ring in _rings(part)]
    return []


def _points(geometry: dict) -> list[tuple[float, float]]:
    if geometry.get("type") == "Point":
        return [tuple(geometry["coordinates"])]
    if geometry.get("type") == "GeometryCollection":
        return [p for part in geometry["geometries"] for p in _points(part)]
    return []


def cohort_png(slide, reference: dict | None, answers: list[dict]) -> bytes:
    """PNG of the whole slide (from its pyramid) with the reference in green and every
    answer payload (points / geometry) in red."""
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    level = geometry.deepest_level_within(MAX_SIDE)
    width, height = geometry.level_dimensions(level)
    try:
        image = compose(str(slide.uuid), geometry, level, (0, 0, width, height))
    except RegionUnavailable:
        image = Image.new("RGB", (width, height), (255, 255, 255))
    scale = 1 / geometry.downsample(level)
    draw = ImageDraw.Draw(image, "RGBA")

    def scaled(points):
        return [(x * scale, y * scale) for x, y in points]

    if reference:
        for ring in _rings(reference):
            draw.line(scaled(ring), fill=REFERENCE + (255,), width=3)
        for x, y in scaled(_points(reference)):
            draw.ellipse((x - 6, y - 6, x + 6, y + 6), outline=REFERENCE + (255,), width=3)
    for payload in answers:
        if "geometry" in payload:
            for ring in _rings(payload["geometry"]):
                draw.line(scaled(ring), fill=ANSWER + (140,), width=2)
        for x, y in scaled(payload.get("points", [])):
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=ANSWER + (170,))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
