"""What a trainee may send as an answer, per question type: validation of answer payloads.

Payloads (all JSON objects):
  single    {"choice": "b"}                 multiple  {"choices": ["a", "c"]}
  text      {"text": "…"}                   numeric   {"value": 12.5}
  point     {"points": [[x, y], …]}         outline   {"geometry": Polygon | MultiPolygon}
  measure   {"geometry": LineString}
Coordinates are level-0 pixels of the question's slide. An empty payload ({}) is a valid
"no answer yet".
"""

from __future__ import annotations

import math

from slides import geometry as geo

MAX_TEXT = 5000
MAX_POINTS = 50


class AnswerError(ValueError):
    """The payload does not fit the question; the message is shown to the trainee."""


def validate_payload(
    question_type: str,
    payload: object,
    *,
    choice_keys: set[str] = frozenset(),
    width: int | None = None,
    height: int | None = None,
) -> dict:
    if not isinstance(payload, dict):
        raise AnswerError("An answer must be a JSON object.")
    if not payload:
        return {}
    validator = VALIDATORS.get(question_type)
    if validator is None:
        raise AnswerError(f"Unknown question type {question_type!r}.")
    return validator(payload, choice_keys=choice_keys, width=width, height=height)


def _only(payload: dict, key: str) -> object:
    extra = set(payload) - {key}
    if extra:
        raise AnswerError(f"Unexpected fields: {', '.join(sorted(extra))}.")
    return payload[key] if key in payload else None


def _single(payload, *, choice_keys, **_):
    choice = _only(payload, "choice")
    if choice is None:
        return {}
    if choice not in choice_keys:
        raise AnswerError("That option is not one of the question's options.")
    return {"choice": choice}


def _multiple(payload, *, choice_keys, **_):
    choices = _only(payload, "choices")
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise AnswerError("Choices must be a list of option keys.")
    if set(choices) - choice_keys:
        raise AnswerError("Some choices are not options of the question.")
    return {"choices": sorted(set(choices))}


def _text(payload, **_):
    text = _only(payload, "text")
    if not isinstance(text, str):
        raise AnswerError("The answer must be text.")
    if len(text) > MAX_TEXT:
        raise AnswerError(f"At most {MAX_TEXT:,} characters.")
    return {"text": text}


def _numeric(payload, **_):
    value = _only(payload, "value")
    if value is None:
        return {}
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AnswerError("The answer must be a number.")
    return {"value": float(value)}


def _points(payload, *, width, height, **_):
    points = _only(payload, "points")
    if not isinstance(points, list):
        raise AnswerError("Points must be a list of [x, y] pairs.")
    if len(points) > MAX_POINTS:
        raise AnswerError(f"At most {MAX_POINTS} points.")
    cleaned = []
    for point in points:
        try:
            geometry = geo.validate_geometry(
                {"type": "Point", "coordinates": point}, width=width, height=height
            )
        except geo.GeometryError as error:
            raise AnswerError(str(error)) from error
        cleaned.append(geometry["coordinates"])
    return {"points": cleaned}


def _shape(allowed: tuple[str, ...]):
    def validate(payload, *, width, height, **_):
        geometry = _only(payload, "geometry")
        if geometry is None:
            return {}
        if not isinstance(geometry, dict) or geometry.get("type") not in allowed:
            raise AnswerError(f"Draw a {' or '.join(allowed)}.")
        try:
            return {"geometry": geo.validate_geometry(geometry, width=width, height=height)}
        except geo.GeometryError as error:
            raise AnswerError(str(error)) from error

    return validate


VALIDATORS = {
    "single": _single,
    "multiple": _multiple,
    "text": _text,
    "numeric": _numeric,
    "point": _points,
    "outline": _shape(("Polygon", "MultiPolygon")),
    "measure": _shape(("LineString",)),
}
