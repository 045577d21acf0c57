"""`python -m bench.nginx_only`: only step (g) of `make bench`, the tiles in the nginx deployment
(`bench/nginx_deployment.py`), on a fresh benchmark deployment. Its own module, because it
drives `bench.run`, which imports the step."""

from __future__ import annotations

import argparse
import json
import sys

from . import build, nginx_deployment, procs, report, run, slidegen, urls
from .environment import OUT, prepare, setup_django


def main(argv: list[str] | None = None) -> int:
    """Run only this step: reset the benchmark's deployment, build a slide in-process, measure,
    print the section."""
    parser = argparse.ArgumentParser(prog="python -m bench.nginx_only")
    parser.add_argument("--quick", action="store_true", help="8000×6000 slide, 3 s runs")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--duration", type=float)
    args = parser.parse_args(argv)
    procs.install_handlers()
    config = run.Config.make(args.quick, args.reps, args.duration)
    results: dict = {"config": vars(config) | {"connections": list(config.connections)}}
    try:
        run.check_tools()
        deployment = prepare()
        setup_django(deployment)
        run.preflight()
        slide, _ = slidegen.make_slide(OUT / "slides", config.width, config.height)
        bench = run.Bench(config, deployment, slide, results)
        _, record = build.run_inline(slide)
        nginx_deployment.measure(bench, record, urls.portal_deepest_tiles(record), run.check_tile)
    finally:
        procs.stop_all()
    (OUT / "nginx-deployment.json").write_text(json.dumps(results, indent=2, default=str))
    print("\n".join(report.nginx_section(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
