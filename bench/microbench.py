"""Where one tile request spends its CPU: single-threaded, in-process, no network.

The load tests run wrk, four gunicorn workers and sometimes other people's processes on two
cores, so their latencies mix queueing with work. This times the work alone, layer by layer, for
a built (warm) tile and an unbuilt (cold, rendered on demand) full-resolution tile:

- the whole Django WSGI handler (middleware, URL resolution, view, response),
- the view function alone, `slides.tile_views.deepzoom_tile`,
- `slides.tiles.get_tile`, and its parts (`read_built_tile`, `tile_token.token_is_valid`).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable


def _per_call_us(action: Callable[[], object], count: int, repeats: int = 5) -> float:
    """Median over `repeats` of the mean time of `count` calls, in microseconds."""
    action()
    means = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(count):
            action()
        means.append((time.perf_counter() - start) / count * 1e6)
    return statistics.median(means)


def _wsgi_caller(path: str):
    import io

    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call():
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO()
        environ["wsgi.errors"] = io.StringIO()
        response = handler(environ, start_response)
        body = b"".join(response)
        response.close()
        return body

    return call, statuses


def measure(built, cold, count: int = 2000) -> dict[str, float]:
    """Microseconds per call for each layer; `built` has a pyramid, `cold` has none."""
    from django.test import RequestFactory

    from slides import tile_views, tiles
    from slides.deepzoom import DeepZoomGeometry
    from slides.tile_tokens import make_token, token_is_valid

    results: dict[str, float] = {}
    rng = random.Random(1)
    for name, record in (("warm", built), ("cold", cold)):
        geometry = DeepZoomGeometry(record.width, record.height, record.tile_size)
        level = geometry.max_level
        columns, rows = geometry.tile_grid(level)
        # Interior tiles only: full-size, raw-copied when cold.
        cells = [(rng.randrange(1, columns - 1), rng.randrange(1, rows - 1)) for _ in range(64)]
        uuid = str(record.uuid)
        token = make_token(uuid)
        paths = [f"/slides/tiles/{token}/{uuid}_files/{level}/{c}_{r}.jpeg" for c, r in cells]
        calls = iter(range(10**9))

        def pick(sequence, _calls=calls):
            return sequence[next(_calls) % len(sequence)]

        wsgi_calls = [_wsgi_caller(path) for path in paths]
        results[f"{name}: Django WSGI handler, whole request"] = _per_call_us(
            lambda wc=wsgi_calls: pick(wc)[0](), count
        )
        statuses = {status for _, seen in wsgi_calls for status in seen}
        if statuses != {"200 OK"}:
            raise RuntimeError(f"microbenchmark {name} tiles answered {statuses}")
        factory = RequestFactory()
        requests = [
            (factory.get(path, HTTP_HOST="127.0.0.1"), (c, r))
            for path, (c, r) in zip(paths, cells, strict=True)
        ]
        results[f"{name}: view function deepzoom_tile"] = _per_call_us(
            lambda rq=requests, u=uuid, t=token, lv=level: (
                lambda req, cell: tile_views.deepzoom_tile(req, t, u, lv, *cell)
            )(*pick(rq)),
            count,
        )
        results[f"{name}: tiles.get_tile"] = _per_call_us(
            lambda u=uuid, lv=level, cs=cells: tiles.get_tile(u, lv, *pick(cs)), count
        )
        if name == "warm":
            results["warm: tiles.read_built_tile"] = _per_call_us(
                lambda u=uuid, lv=level, cs=cells: tiles.read_built_tile(u, lv, *pick(cs)), count
            )
            results["token_is_valid"] = _per_call_us(
                lambda u=uuid, t=token: token_is_valid(u, t), count
            )
    return results
