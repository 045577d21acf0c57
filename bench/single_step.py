"""One step of `make bench` on its own, on a fresh benchmark deployment and a slide built
in-process: `python -m bench.single_step nginx` (step (g), also `python -m bench.nginx_only`) or
`python -m bench.single_step object-storage` (step (h)). It prints the step's section for
bench/RESULTS.md. Its own module, because it drives `bench.run`, which imports the steps."""

from __future__ import annotations

import argparse
import json
import sys

from . import build, nginx_deployment, object_storage, procs, report, run, slidegen, urls
from .environment import OUT, prepare, setup_django

STEPS = {
    "nginx": (nginx_deployment.measure, report.nginx_section, "nginx-deployment.json"),
    "object-storage": (object_storage.measure, object_storage.section, "object-storage.json"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.single_step")
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--quick", action="store_true", help="8000×6000 slide, 3 s runs")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--duration", type=float)
    args = parser.parse_args(argv)
    measure, section, output = STEPS[args.step]
    procs.install_handlers()
    config = run.Config.make(args.quick, args.reps, args.duration)
    results: dict = {"config": vars(config) | {"connections": list(config.connections)}}
    try:
        run.check_tools(("nginx", "wrk"))  # libvips is for step (a) only
        deployment = prepare()
        setup_django(deployment)
        run.preflight()
        slide, _ = slidegen.make_slide(OUT / "slides", config.width, config.height)
        bench = run.Bench(config, deployment, slide, results)
        _, record = build.run_inline(slide)
        measure(bench, record, urls.portal_deepest_tiles(record), run.check_tile)
    finally:
        procs.stop_all()
    (OUT / output).write_text(json.dumps(results, indent=2, default=str))
    print("\n".join(section(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
