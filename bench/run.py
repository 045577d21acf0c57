"""`make bench`: the slide pipeline and the tile server against libvips, openslide and nginx.

    python -m bench.run            # 30000×24000 slide, 3 repetitions, 10 s load runs
    python -m bench.run --quick    # 8000×6000 slide, 3 s load runs (to iterate)
    python -m bench.run --examday-only [--trainees 100,200 --ramp 45 --session 75 --no-kill]
                                   # only (f); replaces its section of bench/RESULTS.md

Measures, on one machine in one run: (a) upload-complete → all tiles built (Celery worker and
in-process) against `vips dzsave`; (b) cold full-resolution tiles, portal against openslide's
Deep Zoom example; (c) warm tiles through the portal at 16 and 64 connections; (d) nginx serving
the same tile files; (e) one quiz question's answer map (heatmap and misconception clusters)
from 1,000 submitted answers (`bench/answer_maps.py`); (f) exam day: 100, 200 and 400 trainees
sitting one exam through locust (`bench/examday.py`, `bench/locustfile.py`), about 8 minutes
in all; (g) tiles in the nginx deployment: nginx static against the shipped
nginx configuration (deploy/nginx) and gunicorn alone (`bench/nginx_deployment.py`); (h) warm
tiles with object storage (moto, a web node's tile cache) beside the local disk
(`bench/object_storage.py`); (i) search over 10,000 slides and 2,000 cases (`bench/search.py`,
alone: `python -m bench.search`); (j) a PACS pull against the file import of the same series
(`bench/pacs_pull.py`, run by `make bench` after this). Set
BENCH_DATABASE, BENCH_BROKER_DB and BENCH_CACHE_DB to keep a second checkout's runs
apart (defaults: database "bench", Redis 10 and 11). Prints a table and writes
bench/RESULTS.md (bench/out/RESULTS-quick.md for --quick, so that a quick run never replaces the
recorded full results).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import io
import json
import shutil
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from . import (
    build,
    cpuload,
    examday,
    loadgen,
    microbench,
    nginx_deployment,
    object_storage,
    procs,
    report,
    servers,
    slidegen,
    urls,
)
from .environment import OUT, ROOT, Deployment, machine, prepare, setup_django

RESULTS = ROOT / "bench" / "RESULTS.md"
FINDINGS = ROOT / "bench" / "FINDINGS.md"
TOOLS = ("vips", "nginx", "wrk")


@dataclass
class Config:
    quick: bool
    width: int
    height: int
    reps: int
    duration: float
    warmup: float
    cold_warmup_tiles: int
    connections: tuple[int, ...] = (16, 64)
    examday: examday.ExamDayConfig | None = None

    @classmethod
    def make(cls, quick: bool, reps: int | None, duration: float | None) -> Config:
        if quick:
            config = cls(True, 8000, 6000, 3, 3.0, 1.0, 60)
            config.examday = examday.ExamDayConfig(
                trainees=(20,), ramp_s=10, session_s=30, pictures=OUT / "examday"
            )
        else:
            config = cls(False, 30000, 24000, 3, 10.0, 3.0, 300)
            config.examday = examday.ExamDayConfig()
        if reps:
            config.reps = reps
        if duration:
            config.duration = duration
        return config


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def check_tile(port: int, path: str, *, expect_size: tuple[int, int] | None = None) -> bytes:
    """One request before the load: the URL must give a decodable JPEG of the right size."""
    from PIL import Image

    status, content_type, body = _get(port, path)
    if status != 200 or content_type != "image/jpeg":
        raise RuntimeError(f"GET {path} on port {port}: {status} {content_type} {body[:200]!r}")
    image = Image.open(io.BytesIO(body))
    image.load()
    if expect_size and image.size != expect_size:
        raise RuntimeError(f"GET {path}: {image.size}, expected {expect_size}")
    return body


def _interior(url_list: list[str]) -> str:
    """A URL of the list whose tile is full-size on every grid (not in an edge row or column)."""
    cells = [
        tuple(map(int, u.rsplit("/", 1)[1].removesuffix(".jpeg").split("_"))) for u in url_list
    ]
    last_col = max(col for col, _ in cells)
    last_row = max(row for _, row in cells)
    for url, (col, row) in zip(url_list, cells, strict=True):
        if 0 < col < last_col - 1 and 0 < row < last_row - 1:
            return url
    raise RuntimeError("no interior tile in the list")


class Bench:
    QUIET_BUDGET = 300.0  # seconds a whole run may spend waiting for other people's load

    def __init__(self, config: Config, deployment: Deployment, slide: Path, results: dict):
        self.config = config
        self.deployment = deployment
        self.slide = slide
        self.results = results
        self.work = OUT / "wrk"
        self.quiet_spent = 0.0

    def measured(self, action):
        """Run `action` after waiting (bounded) for a quiet machine; returns (its result, the
        CPU use while it ran)."""
        budget = self.QUIET_BUDGET - self.quiet_spent
        if budget > 0:
            waited, other = cpuload.wait_for_quiet(max_wait=min(45.0, budget))
            self.quiet_spent += waited
            if waited > 2:
                log(f"  waited {waited:.0f} s for other processes' load ({other:.2f} cores)")
        before = cpuload.snapshot()
        result = action()
        return result, cpuload.usage(before, cpuload.snapshot())

    def record_load(
        self, key: str, result: loadgen.LoadResult, cpu: dict, *, section: str = "load"
    ) -> None:
        entry = result.as_dict() | {"cpu": cpu}
        self.results.setdefault(section, {}).setdefault(key, []).append(entry)
        extra = " (list used up: rate over active time)" if result.exhausted else ""
        if result.repeats:
            extra += f", {result.repeats} URL(s) re-sent after a reconnect"
        if result.socket_errors:
            extra += f", {result.socket_errors} socket errors"
        log(
            f"  {key}: {result.rate:.0f} tiles/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, {result.requests} requests, "
            f"{result.errors} errors{extra}; other load {cpu['other_cores']:.2f} cores"
        )
        if result.errors or result.socket_errors:
            self.results.setdefault("notes", []).append(
                f"{key}: {result.errors} failed requests and {result.socket_errors} socket "
                "errors in one run."
            )

    def record_build(self, name: str, run: build.BuildRun, cpu: dict) -> None:
        entry = asdict(run) | {"cpu": cpu}
        self.results.setdefault("build", {}).setdefault(name, []).append(entry)
        log(
            f"  {name}: {run.seconds:.2f} s, {run.tiles} tiles, {run.bytes / 1024**2:.0f} MiB; "
            f"other load {cpu['other_cores']:.2f} cores"
        )

    # (a) -------------------------------------------------------------------------------------
    def measure_build(self):
        """Returns the last slide built by the worker (kept for the warm-tile runs).

        Repetitions are interleaved (dzsave ×2, in-process, worker; then again), so a slow
        stretch of the machine does not land on one builder only. The worker idles meanwhile."""
        config = self.config
        kept = None
        with build.Worker(self.deployment) as worker:
            for rep in range(config.reps):
                log(f"(a) build, repetition {rep + 1}/{config.reps}")
                for variant in build.DZSAVE_VARIANTS:
                    run, cpu = self.measured(lambda v=variant: build.dzsave(self.slide, v))
                    self.record_build(variant, run, cpu)
                (run, record), cpu = self.measured(lambda: build.run_inline(self.slide))
                self.record_build(report.BUILD_ORDER[1], run, cpu)
                build.delete(record)
                (run, record), cpu = self.measured(lambda: build.run_celery(self.slide, worker))
                self.record_build(report.BUILD_ORDER[0], run, cpu)
                if kept is not None:
                    build.delete(kept)
                kept = record
        return kept

    # (b) -------------------------------------------------------------------------------------
    def measure_cold(self, portal: servers.Portal) -> None:
        config = self.config
        baseline_all = urls.baseline_deepest_tiles(self.slide)
        for rep in range(config.reps):
            log(f"(b) cold tiles, repetition {rep + 1}/{config.reps}")
            warm, cold = urls.split_warmup(baseline_all, config.cold_warmup_tiles, seed=rep)
            with servers.Baseline(self.slide) as baseline:
                check_tile(baseline.port, _interior(warm), expect_size=(256, 256))
                self._walk("warm-up baseline", baseline.port, warm, config.warmup)
                result, cpu = self.measured(
                    partial(self._walk, "cold baseline", baseline.port, cold, config.duration)
                )
                self.record_load(report.load_key("cold", "baseline", 16), result, cpu)

            record = urls.cold_slide(self.slide)
            all_urls = urls.portal_deepest_tiles(record)
            warm, cold = urls.split_warmup(all_urls, config.cold_warmup_tiles, seed=rep)
            size = (record.tile_size, record.tile_size)
            check_tile(portal.port, _interior(warm), expect_size=size)
            self._walk("warm-up portal", portal.port, warm, config.warmup)
            result, cpu = self.measured(
                partial(self._walk, "cold portal", portal.port, cold, config.duration)
            )
            self.record_load(report.load_key("cold", "portal", 16), result, cpu)
            self._assert_unbuilt(record)
            build.delete(record)

    def _walk(self, label, port, url_list, duration) -> loadgen.LoadResult:
        return loadgen.run_wrk(
            label,
            port,
            url_list,
            mode="walk",
            connections=16,
            duration=duration,
            workdir=self.work,
        )

    def _assert_unbuilt(self, record) -> None:
        from slides import storage

        folder = storage.pyramid_dir(record.uuid)
        built = list(folder.rglob("*.jpeg")) if folder.exists() else []
        if built:
            raise RuntimeError(f"the cold slide has {len(built)} built tiles: not cold")

    # (c), (d) and (f) -----------------------------------------------------------------------
    def log_step(self, message: str) -> None:
        log(message)

    def warm_up(self, port: int, url_list: list[str], connections: int) -> None:
        self.wrk_random(f"warm-up {port}", port, url_list, connections, self.config.warmup)

    def wrk_random(
        self, key: str, port: int, url_list: list[str], connections: int, duration=None
    ) -> loadgen.LoadResult:
        return loadgen.run_wrk(
            key,
            port,
            url_list,
            mode="random",
            connections=connections,
            duration=duration or self.config.duration,
            workdir=self.work,
        )

    def measure_warm(self, port: int, kind: str, server: str, url_list: list[str]) -> None:
        config = self.config
        for connections in config.connections:
            key = report.load_key(kind, server, connections)
            log(f"({'c' if kind == 'warm' else 'd'}) {key}")
            self.warm_up(port, url_list, connections)
            for _ in range(config.reps):
                result, cpu = self.measured(
                    lambda c=connections, k=key: self.wrk_random(k, port, url_list, c)
                )
                self.record_load(key, result, cpu)


def preflight() -> None:
    """Fail in seconds, not after the build runs, when the portal cannot serve a tile URL."""
    from django.urls import resolve

    from slides import tile_views

    uuid = "00000000-0000-0000-0000-000000000000"
    match = resolve(f"/slides/tiles/1-{'a' * 22}/{uuid}_files/0/0_0.jpeg")
    if match.func is not tile_views.deepzoom_tile:
        raise RuntimeError(f"tile URLs resolve to {match.func!r}, not the tile view")


def check_tools(tools: tuple[str, ...] = TOOLS) -> None:
    missing = [
        tool for tool in tools if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists()
    ]
    if missing:
        raise SystemExit(
            f"missing {', '.join(missing)}: run `bash scripts/install-system-deps.sh bench` "
            "(as root) or `apt-get install -y libvips-tools nginx wrk`"
        )


def run(config: Config) -> dict:
    started = time.monotonic()
    results: dict = {
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": asdict(config),
        "notes": [],
    }
    try:
        check_tools()
        log("machine and versions")
        results["machine"] = machine()
        log("resetting the benchmark's database, broker, cache and data folder; migrating")
        deployment = prepare()
        results["deployment"] = {
            "database": deployment.database,
            "broker": deployment.broker,
            "cache": deployment.cache,
        }
        results["notes"] += deployment.notes
        setup_django(deployment)
        preflight()
        log(f"synthetic slide {config.width}×{config.height}")
        slide, generator = slidegen.make_slide(OUT / "slides", config.width, config.height)
        results["slide"] = {
            "width": config.width,
            "height": config.height,
            "generator": generator,
            "path": str(slide.relative_to(ROOT)),
            "megabytes": slide.stat().st_size / 1e6,
            "source_tile": slidegen.TILE,
        }
        bench = Bench(config, deployment, slide, results)
        built = bench.measure_build()
        from slides.deepzoom import DeepZoomGeometry

        geometry = DeepZoomGeometry(built.width, built.height, built.tile_size)
        results["slide"].update(
            portal_levels=geometry.level_count,
            portal_deepest_tiles=geometry.tile_count(geometry.max_level),
            portal_tile_size=built.tile_size,
            source_format=built.source_format,
        )
        warm_urls = urls.portal_deepest_tiles(built)
        with servers.Portal(deployment) as portal:
            bench.measure_cold(portal)
            body = check_tile(portal.port, _interior(warm_urls))
            bench.measure_warm(portal.port, "warm", "portal", warm_urls)
        from django.conf import settings

        with servers.Nginx(Path(settings.SLIDES["PYRAMID_DIR"])) as nginx:
            if check_tile(nginx.port, _interior(warm_urls)) != body:
                raise RuntimeError("nginx and the portal serve different bytes for one tile")
            bench.measure_warm(nginx.port, "static", "nginx", warm_urls)
        log("(f) the nginx deployment: static, the shipped configuration, gunicorn alone")
        nginx_deployment.measure(bench, built, warm_urls, check_tile)
        log("(h) warm tiles with object storage (moto) beside the local disk")
        object_storage.measure(bench, built, warm_urls, check_tile)
        log("per-request CPU, in-process microbenchmark")
        cold = urls.cold_slide(slide)
        try:
            results["microbench"] = microbench.measure(
                built, cold, count=500 if config.quick else 2000
            )
        finally:
            build.delete(cold)
        for name, micros in results["microbench"].items():
            log(f"  {micros:8.1f} µs  {name}")
        from . import answer_maps

        log("answer maps: one question's heatmap and clusters from 1,000 answers")
        maps, cpu = bench.measured(answer_maps.measure)
        results["answer_maps"] = {"ms": maps, "cpu": cpu}
        for name, ms in maps.items():
            log(f"  {ms:8.1f} ms  {name}")
        from . import search

        results["search"] = search.measure(log)
        if config.examday is not None:
            results["examday"] = examday.measure(deployment, built, config.examday, log=log)
    except BaseException as error:  # record, clean up, re-raise
        results["error"] = "".join(traceback.format_exception(error))
        raise
    finally:
        procs.stop_all()
        results["elapsed_minutes"] = (time.monotonic() - started) / 60
        if FINDINGS.exists() and not config.quick:
            results["analysis"] = FINDINGS.read_text()
        _write(results, config)
    return results


def _write(results: dict, config: Config) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    name = "results-quick.json" if config.quick else "results.json"
    (OUT / name).write_text(json.dumps(results, indent=2, default=str))
    text = report.render(results)
    if results.get("error") or config.quick:
        target = OUT / ("RESULTS-quick.md" if config.quick else "RESULTS-failed.md")
    else:
        target = RESULTS
    target.write_text(text)
    print()
    print(report.console(results))
    print(f"\nwritten: {target.relative_to(ROOT)}")


def run_examday_only(config: Config) -> dict:
    """Only (f), the exam day: its own deployment and slide (built in-process), then the section
    replaced in RESULTS.md (bench/out/RESULTS-examday-quick.md for --quick)."""
    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    deployment = prepare()
    setup_django(deployment)
    log(f"synthetic slide {config.width}×{config.height}, built in-process")
    slide, _ = slidegen.make_slide(OUT / "slides", config.width, config.height)
    _, record = build.run_inline(slide)
    try:
        results = examday.measure(deployment, record, config.examday, log=log)
    finally:
        procs.stop_all()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "examday.json").write_text(json.dumps(results, indent=2, default=str))
    recorded = (
        f"Recorded {started} by `python -m bench.run --examday-only` on a "
        f"{config.width}×{config.height} px slide; the machine is shared with other engineers. "
    )
    folder = "bench/out" if config.quick else "bench"
    section = report.examday_section(results, recorded=recorded, folder=folder)
    if config.quick:
        target = OUT / "RESULTS-examday-quick.md"
        target.write_text("\n".join(section))
    else:
        target = RESULTS
        target.write_text(report.splice_examday(RESULTS.read_text(), section))
    print(f"\nwritten: {target.relative_to(ROOT)}")
    return results


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="8000×6000 slide, 3 s runs")
    parser.add_argument("--reps", type=int, help="repetitions of every measurement")
    parser.add_argument("--duration", type=float, help="seconds per load run")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite bench/RESULTS.md from bench/out/results.json (and FINDINGS.md); no runs",
    )
    parser.add_argument(
        "--examday-only", action="store_true", help="only (f), the exam day with locust"
    )
    parser.add_argument("--no-examday", action="store_true", help="skip (f), the exam day")
    parser.add_argument("--trainees", type=_numbers, help="exam day: N values, e.g. 100,200,400")
    parser.add_argument("--ramp", type=float, help="exam day: seconds over which trainees log in")
    parser.add_argument("--session", type=float, help="exam day: seconds each trainee works")
    parser.add_argument("--no-kill", action="store_true", help="exam day: kill no worker")
    parser.add_argument(
        "--no-nginx", action="store_true", help="exam day: gunicorn alone, without nginx in front"
    )
    parser.add_argument("--workers", type=int, help="exam day: gunicorn worker processes")
    parser.add_argument("--threads", type=int, help="exam day: gunicorn threads per worker")
    args = parser.parse_args(argv)
    if args.render_only:
        results = json.loads((OUT / "results.json").read_text())
        if FINDINGS.exists():
            results["analysis"] = FINDINGS.read_text()
        RESULTS.write_text(report.render(results))
        print(f"written: {RESULTS.relative_to(ROOT)}")
        return 0
    procs.install_handlers()
    config = Config.make(args.quick, args.reps, args.duration)
    if args.no_examday:
        config.examday = None
    elif config.examday is not None:
        if args.trainees:
            config.examday.trainees = args.trainees
        if args.ramp is not None:
            config.examday.ramp_s = args.ramp
        if args.session is not None:
            config.examday.session_s = args.session
        config.examday.kill_worker = not args.no_kill
        config.examday.behind_nginx = not args.no_nginx
        config.examday.workers = args.workers
        config.examday.threads = args.threads
    try:
        if args.examday_only:
            run_examday_only(config)
            return 0
        run(config)
    except KeyboardInterrupt:
        return 130
    except SystemExit as error:
        return error.code if isinstance(error.code, int) else 1
    except Exception:  # already recorded in the results
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
