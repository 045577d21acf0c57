"""The baseline tile server: openslide-python's Deep Zoom example, reduced to its tile route.

Like `examples/deepzoom/deepzoom_server.py`, one `DeepZoomGenerator` (254 px tiles, overlap 1)
is shared by the requests of a process and each tile is rendered from the slide and encoded as
JPEG at quality 75. Run under gunicorn with the same workers and threads as the portal:

    BENCH_BASELINE_SLIDE=slide.svs gunicorn bench.baseline_app:app -w 4 --threads 4
"""

from __future__ import annotations

import io
import os

import openslide
from flask import Flask, abort, make_response
from openslide.deepzoom import DeepZoomGenerator

TILE_SIZE = 254
OVERLAP = 1
LIMIT_BOUNDS = False
QUALITY = 75

app = Flask(__name__)
slide = openslide.OpenSlide(os.environ["BENCH_BASELINE_SLIDE"])
deepzoom = DeepZoomGenerator(slide, tile_size=TILE_SIZE, overlap=OVERLAP, limit_bounds=LIMIT_BOUNDS)


@app.route("/<int:level>/<int:col>_<int:row>.jpeg")
def tile(level: int, col: int, row: int):
    try:
        image = deepzoom.get_tile(level, (col, row))
    except ValueError:
        abort(404)
    buffer = io.BytesIO()
    image.save(buffer, "jpeg", quality=QUALITY)
    response = make_response(buffer.getvalue())
    response.mimetype = "image/jpeg"
    return response
