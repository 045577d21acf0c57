"""Measure suggested fixes next to the portal as it is (not part of `make bench`).

    python -m bench.experiment [--reps 2] [--duration 8]

Runs after `python -m bench.run` and reuses the slide it built (nothing is reset). For each
variant, the same gunicorn settings (`-w 4 --threads 4`) and the same load as (b) and (c):
cold full-resolution tiles at 16 connections (a fresh unbuilt slide per repetition), warm tiles
at 16 and 64 connections. Variants:

- `portal`: `portal.wsgi` as it is;
- `lean+memo`: `bench.lean_wsgi` (tile URLs answered before Django's middleware, `TileInfo`
  memoised per process);
- `portal --reuse-port`: as it is, with per-worker listening sockets (connection balance).

Prints a table and writes bench/out/EXPERIMENT.md.
"""

from __future__ import annotations

import argparse
import datetime
from functools import partial

from . import build, cpuload, loadgen, procs, report, servers, urls
from .environment import OUT, ROOT, prepare, setup_django

VARIANTS = {
    "portal": {},
    "lean+memo": {"app": "bench.lean_wsgi:application", "env": {"TILE_INFO_MEMO": "1"}},
    "portal --reuse-port": {"args": ("--reuse-port",)},
}


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.experiment")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    args = parser.parse_args(argv)
    procs.install_handlers()
    deployment = prepare(reset=False)
    setup_django(deployment)
    from slides.models import Slide

    built = Slide.objects.filter(status=Slide.Status.AWAITING_REVIEW).order_by("-id").first()
    if built is None:
        raise SystemExit("no built slide: run `python -m bench.run` first")
    slide = next((OUT / "slides").glob(f"bench-{built.width}x{built.height}.*"))
    warm_urls = urls.portal_deepest_tiles(built)
    work = OUT / "wrk-experiment"
    rows: dict[str, dict[str, list]] = {}
    try:
        for name in args.variants:
            options = VARIANTS[name]
            log(f"variant {name}")
            with servers.Portal(deployment, **options) as portal:
                for rep in range(args.reps):
                    cold = urls.cold_slide(slide)
                    warm, cold_urls = urls.split_warmup(
                        urls.portal_deepest_tiles(cold), 300, seed=100 + rep
                    )
                    run = partial(
                        loadgen.run_wrk,
                        port=portal.port,
                        mode="walk",
                        connections=16,
                        workdir=work,
                    )
                    run("warm-up", urls=warm, duration=2)
                    _measure(
                        rows,
                        name,
                        "cold c16",
                        lambda r=run, u=cold_urls: r("cold", urls=u, duration=args.duration),
                    )
                    build.delete(cold)
                for connections in (16, 64):
                    loadgen.run_wrk(
                        "warm-up",
                        portal.port,
                        warm_urls,
                        mode="random",
                        connections=connections,
                        duration=2,
                        workdir=work,
                    )
                    for _ in range(args.reps):
                        _measure(
                            rows,
                            name,
                            f"warm c{connections}",
                            lambda c=connections: loadgen.run_wrk(
                                "warm",
                                portal.port,
                                warm_urls,
                                mode="random",
                                connections=c,
                                duration=args.duration,
                                workdir=work,
                            ),
                        )
    finally:
        procs.stop_all()
    table = _table(rows)
    print(table)
    (OUT / "EXPERIMENT.md").write_text(
        f"# Experiment {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}\n\n"
        f"Slide {built.width}×{built.height}; gunicorn -w 4 --threads 4; wrk -t 2; "
        f"{args.reps} × {args.duration:.0f} s per cell; median [min–max].\n\n{table}\n"
    )
    log(f"written: {(OUT / 'EXPERIMENT.md').relative_to(ROOT)}")
    return 0


def _measure(rows, variant: str, load: str, action) -> None:
    cpuload.wait_for_quiet(max_wait=30)
    before = cpuload.snapshot()
    result = action()
    other = cpuload.usage(before, cpuload.snapshot())["other_cores"]
    rows.setdefault(variant, {}).setdefault(load, []).append((result, other))
    log(
        f"  {variant} {load}: {result.rate:.0f}/s p50 {result.p50_ms:.1f} ms "
        f"p99 {result.p99_ms:.1f} ms, errors {result.errors}, spread "
        f"{result.connections_per_process}, other load {other:.2f}"
    )


def _table(rows) -> str:
    header = ["Variant", "Load", "Tiles/s", "p50 ms", "p99 ms", "Other load, cores (max)"]
    lines = []
    for variant, loads in rows.items():
        for load, results in loads.items():
            rate = report.Spread.of([r.rate for r, _ in results])
            p50 = report.Spread.of([r.p50_ms for r, _ in results])
            p99 = report.Spread.of([r.p99_ms for r, _ in results])
            lines.append(
                [
                    variant,
                    load,
                    rate.fmt(0),
                    p50.fmt(1),
                    p99.fmt(1),
                    f"{max(o for _, o in results):.2f}",
                ]
            )
    return report.markdown_table(header, lines)


if __name__ == "__main__":
    raise SystemExit(main())
