"""Turning repeated measurements into the table, the ratios, the targets and RESULTS.md."""

from __future__ import annotations

import os
import posixpath
import statistics
from dataclasses import dataclass

BUILD_ORDER = [
    "portal, Celery worker (concurrency 2)",
    "portal, run_inline (1 process)",
    "vips dzsave 256/0 Q80",
    "vips dzsave default (254/1 Q75)",
]


@dataclass
class Spread:
    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Spread | None:
        if not values:
            return None
        return cls(statistics.median(values), min(values), max(values), len(values))

    def fmt(self, digits: int = 1) -> str:
        return f"{self.median:.{digits}f} [{self.low:.{digits}f}–{self.high:.{digits}f}]"


def _fmt(spread: Spread | None, digits: int = 1) -> str:
    return spread.fmt(digits) if spread else "n/a"


def _other(runs: list[dict]) -> str:
    """Cores used by other people's processes during these runs: median (max)."""
    values = [r["cpu"]["other_cores"] for r in runs if r.get("cpu")]
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f} ({max(values):.2f})"


def build_rows(build: dict[str, list]) -> list[list[str]]:
    rows = []
    for name in BUILD_ORDER + [n for n in build if n not in BUILD_ORDER]:
        runs = build.get(name) or []
        if not runs:
            continue
        seconds = Spread.of([r["seconds"] for r in runs])
        rows.append(
            [
                name,
                _fmt(seconds, 2),
                str(runs[-1]["tiles"]),
                f"{runs[-1]['bytes'] / 1024**2:.0f}",
                str(len(runs)),
                _other(runs),
            ]
        )
    return rows


LOAD_ORDER = [
    ("b", "cold", "portal", 16),
    ("b", "cold", "baseline", 16),
    ("c", "warm", "portal", 16),
    ("c", "warm", "portal", 64),
    ("d", "static", "nginx", 16),
    ("d", "static", "nginx", 64),
]


def load_key(kind: str, server: str, connections: int) -> str:
    return f"{kind} {server} c{connections}"


def load_summary(runs: list[dict]) -> dict[str, Spread | None]:
    return {
        "rate": Spread.of([r["rate"] for r in runs]),
        "p50": Spread.of([r["p50_ms"] for r in runs]),
        "p99": Spread.of([r["p99_ms"] for r in runs]),
    }


def load_rows(load: dict[str, list[dict]]) -> list[list[str]]:
    rows = []
    for part, kind, server, connections in LOAD_ORDER:
        runs = load.get(load_key(kind, server, connections)) or []
        if not runs:
            continue
        summary = load_summary(runs)
        requests = sum(r["requests"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        rows.append(
            [
                f"({part}) {kind} tiles, {server}",
                str(connections),
                _fmt(summary["rate"], 0),
                _fmt(summary["p50"], 1),
                _fmt(summary["p99"], 1),
                f"{requests} / {errors}",
                str(len(runs)),
                _other(runs),
                "; ".join(_spread(r) for r in runs),
            ]
        )
    return rows


def _spread(run: dict) -> str:
    return "/".join(map(str, run.get("connections_per_process") or [])) or "?"


BUILD_HEADER = ["Builder", "Seconds", "Tiles", "MiB", "Runs", "Other load, cores"]
LOAD_HEADER = [
    "Measurement",
    "Conns",
    "Tiles/s",
    "p50 ms",
    "p99 ms",
    "Requests / errors",
    "Runs",
    "Other load, cores",
    "Connections per server process, each run",
]


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _median(load: dict, kind: str, server: str, connections: int, field: str) -> float | None:
    runs = load.get(load_key(kind, server, connections)) or []
    spread = Spread.of([r[field] for r in runs])
    return spread.median if spread else None


def targets(results: dict) -> tuple[list[str], list[list[str]]]:
    """Ratios (as lines) and the target table (target, measured, met?)."""
    build = results.get("build", {})
    load = results.get("load", {})
    ratios: list[str] = []
    rows: list[list[str]] = []

    def med(name: str) -> float | None:
        spread = Spread.of([r["seconds"] for r in build.get(name) or []])
        return spread.median if spread else None

    celery = med(BUILD_ORDER[0])
    inline = med(BUILD_ORDER[1])
    dz256 = med(BUILD_ORDER[2])
    dzdef = med(BUILD_ORDER[3])
    for label, portal in (("Celery", celery), ("run_inline", inline)):
        for dz_label, dz in (("dzsave 256/0 Q80", dz256), ("dzsave default", dzdef)):
            if portal and dz:
                ratios.append(
                    f"build, portal {label} vs {dz_label}: {dz / portal:.2f}× "
                    f"({'faster' if portal < dz else 'slower'}; {portal:.2f} s vs {dz:.2f} s)"
                )
    if celery and dz256 and dzdef:
        met = celery < dz256 and celery < dzdef
        rows.append(
            [
                "(a) portal (Celery) builds faster than vips dzsave",
                f"{celery:.2f} s vs {dz256:.2f} s (256/0) and {dzdef:.2f} s (254/1)",
                "met" if met else "NOT met",
            ]
        )

    base = _median(load, "cold", "baseline", 16, "rate")
    cold = _median(load, "cold", "portal", 16, "rate")
    cold_p99 = _median(load, "cold", "portal", 16, "p99_ms")
    warm16 = _median(load, "warm", "portal", 16, "rate")
    warm16_p99 = _median(load, "warm", "portal", 16, "p99_ms")
    warm64 = _median(load, "warm", "portal", 64, "rate")
    ngx16 = _median(load, "static", "nginx", 16, "rate")
    ngx64 = _median(load, "static", "nginx", 64, "rate")
    if base and cold:
        ratios.append(f"cold tiles, portal / baseline at 16 connections: {cold / base:.2f}×")
    if base and warm16:
        ratios.append(f"warm tiles, portal / baseline at 16 connections: {warm16 / base:.2f}×")
    if base and warm64:
        ratios.append(
            f"warm tiles, portal at 64 / baseline at 16 connections: {warm64 / base:.2f}×"
        )
    if ngx16 and warm16:
        ratios.append(f"warm tiles, portal / nginx at 16 connections: {warm16 / ngx16:.2f}")
    if ngx64 and warm64:
        ratios.append(f"warm tiles, portal / nginx at 64 connections: {warm64 / ngx64:.2f}")
    if base and cold and cold_p99 is not None:
        ok_rate, ok_p99 = cold >= 2 * base, cold_p99 <= 100
        rows.append(
            [
                "(b) cold tiles ≥ 2× baseline, p99 ≤ 100 ms (16 connections)",
                f"{cold / base:.2f}×, p99 {cold_p99:.1f} ms",
                _verdict(ok_rate, ok_p99),
            ]
        )
    if base and warm16 and warm16_p99 is not None:
        ok_rate, ok_p99 = warm16 >= 5 * base, warm16_p99 <= 50
        rows.append(
            [
                "(c) warm tiles ≥ 5× baseline, p99 ≤ 50 ms (16 connections)",
                f"{warm16 / base:.2f}×, p99 {warm16_p99:.1f} ms",
                _verdict(ok_rate, ok_p99),
            ]
        )
    maps = (results.get("answer_maps") or {}).get("ms") or {}
    cold = {name: ms for name, ms in maps.items() if name.startswith("service") and "cold" in name}
    if cold:
        slowest = max(cold.values())
        rows.append(
            [
                "(e) a question's heatmap and clusters from 1,000 answers < 1 s",
                "; ".join(f"{name.split(':')[0]} {ms:.0f} ms" for name, ms in cold.items()),
                "met" if slowest < 1000 else "NOT met",
            ]
        )
    return ratios, rows


def answer_map_section(results: dict) -> list[str]:
    """The answer-map timings (`bench/answer_maps.py`), if this run has them."""
    maps = results.get("answer_maps")
    if not maps:
        return []
    return [
        "## (e) Answer maps: one question, 1,000 submitted answers (ms, median of 7)",
        "",
        "One thread, in-process (`bench/answer_maps.py`): 1,000 trainees' submitted attempts "
        "seeded into the benchmark's database (rolled back afterwards) on a 100,000 × 80,000 px "
        "slide at 0.25 µm/px. *service* is `courses.assessment.heatmaps.answer_map`, what the "
        "page and the API call: cold = the cache-key query, reading the answers, computing and "
        "storing in the cache; cached = the key query and a cache hit. *pure* is the computation "
        f"alone. Other load: {maps.get('cpu', {}).get('other_cores', 0):.2f} cores.",
        "",
        markdown_table(["Measurement", "ms"], [[n, f"{ms:.1f}"] for n, ms in maps["ms"].items()]),
        "",
    ]


SEARCH_BEGIN = "<!-- search: written by bench/search.py -->"
SEARCH_END = "<!-- end of search -->"
SEARCH_TARGET_MS = 100.0


def search_section(result: dict | None) -> list[str]:
    """(i) The search timings (`bench/search.py`), between markers."""
    if not result:
        return []
    worst = max(row["p95_ms"] for row in result["rows"])
    table = [[r["page"], r["query"], f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", str(r["queries"])]
             for r in result["rows"]]  # fmt: skip
    return [
        SEARCH_BEGIN,
        f"## (i) Search: {result['slides']:,} slides and {result['cases']:,} cases",
        "",
        "Generated rows in the benchmark's database (rolled back afterwards), searched through "
        "the real views in-process (`bench/search.py`): the slide library page (ranked full "
        "text with typo correction, first page of 24, facets) and the search page (12 slides, "
        f"their count, up to 50 cases). Median and p95 of {result['runs']} runs after a "
        f"warm-up, on {result['database']}. Target: under {SEARCH_TARGET_MS:.0f} ms with a bounded "
        f"number of queries: **{'met' if worst < SEARCH_TARGET_MS else 'NOT met'}** (worst p95 "
        f"{worst:.1f} ms).",
        "",
        markdown_table(["Page", "Query", "p50 ms", "p95 ms", "SQL statements"], table),
        "",
        f"Other load during the measurement: {result.get('other_cores', 0):.2f} cores of "
        f"{os.cpu_count()}.",
        "",
        SEARCH_END,
        "",
    ]


EXAMDAY_BEGIN = "<!-- exam day: written by bench/examday.py -->"
EXAMDAY_END = "<!-- end of exam day -->"
EXAMDAY_HEADER = [
    "Kind",
    "Requests",
    "Rate /s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "≥ 500",
    "No response",
    "Timeouts (60 s)",
    "Other errors",
    "409 (stale, retried)",
]


def examday_section(
    examday: dict | None, *, recorded: str = "", note: str = "", folder: str = "bench"
) -> list[str]:
    """(f) The exam-day runs (`folder`: where the Markdown goes, relative to the repository,
    for the pictures' links): one table per N, the database check, the targets at 200 and the
    largest N meeting them, the latency-over-time pictures. Between markers, so that
    `python -m bench.run --examday-only` can replace just this section in RESULTS.md."""
    from .examday import TARGET_N, TARGETS_MS, meets_targets

    if not examday or not examday.get("runs"):
        return []
    config = examday["config"]
    out = [
        EXAMDAY_BEGIN,
        "## (f) Exam day: N trainees sit one exam (locust, client-side latencies)",
        "",
        f"{recorded}`bench/examday.py` with `bench/locustfile.py` (locust, headless, one process "
        "on the same machine), against "
        + config.get("deployment", "gunicorn alone")
        + ". Each trainee: login form and sign-in with CSRF, exam page, "
        "start, attempt page, DZI of each question's viewer, then pans (bursts of the "
        "neighbouring tiles a 1280×800 viewer needs at the level OpenSeadragon would draw, six "
        "at a time, no tile fetched twice), autosaves a point answer every "
        f"~{config['save_s']:.0f} s with the version protocol, and submits after "
        f"{config['session_s']:.0f} s. Logins spread over a {config['ramp_s']:.0f} s ramp. "
        + (
            "Halfway through, one gunicorn worker is killed with SIGKILL. "
            if config.get("kill_worker")
            else ""
        )
        + "Latencies are as the client saw them, load generator included. *page* includes the "
        "login form, the exam page and the attempt page; *login* is the sign-in POST; *start* "
        "the exam start POST. After the run the database is checked: one attempt per trainee, "
        "and every trainee's last acknowledged autosave stored (`bench.examday.verify`).",
        "",
    ]
    if note:
        out += [note, ""]
    passing = []
    for run in examday["runs"]:
        ok, missed = meets_targets(run)
        if ok:
            passing.append(run["trainees"])
        check = run["verification"]
        cpu = run.get("cpu") or {}
        rows = [
            [
                kind,
                str(row["requests"]),
                f"{row['rate']:.1f}",
                f"{row['p50_ms']:.0f}",
                f"{row['p95_ms']:.0f}",
                f"{row['p99_ms']:.0f}",
                str(row["server_errors"]),
                str(row["no_response"]),
                str(row.get("timeouts", 0)),
                str(row["other_errors"]),
                str(row["conflicts"]),
            ]
            for kind, row in run["summary"].items()
        ]
        out += [
            f"### {run['trainees']} trainees ({run['seconds']:.0f} s)",
            "",
            markdown_table(EXAMDAY_HEADER, rows),
            "",
            f"- Database: {check['attempts']} attempts for {check['trainees']} trainees; "
            f"{check['acknowledged_answers']} acknowledged answers, **{check['lost']} lost**, "
            f"{check['unacknowledged_landed']} stored from a save whose reply never arrived; "
            f"{len(check['problems'])} problems"
            + (": " + "; ".join(check["problems"][:5]) if check["problems"] else "")
            + ".",
            "- Requests without an answer, by cause: "
            + (
                "; ".join(f"{n}× {cause}" for cause, n in run["failures"].items())
                if run.get("failures")
                else "none"
            )
            + ".",
            f"- Worker killed at {run['killed_worker_at_s']} s."
            if run.get("killed_worker_at_s") is not None
            else "- No worker was killed.",
            f"- CPU: {cpu.get('our_cores', 0):.2f} cores for the benchmark's processes "
            f"(locust {run.get('locust_cores')} of them), {cpu.get('service_cores', 0):.2f} "
            f"PostgreSQL/Redis, {cpu.get('other_cores', 0):.2f} other people's.",
            f"- Targets: {'met' if ok else 'NOT met: ' + '; '.join(missed)}.",
            "",
            f"![p95 latency over time, {run['trainees']} trainees]"
            f"({posixpath.relpath(run['picture'], folder)})",
            "",
        ]
    limits = ", ".join(f"{kind} p95 ≤ {ms:.0f} ms" for kind, ms in TARGETS_MS.items())
    at_target = next((r for r in examday["runs"] if r["trainees"] == TARGET_N), None)
    out += [
        f"Targets ({limits}, 0 responses ≥ 500, 0 lost answers): at {TARGET_N} trainees "
        + (
            ("**met**" if meets_targets(at_target)[0] else "**NOT met**")
            if at_target
            else "not measured"
        )
        + "; largest N measured that meets them: "
        + (f"**{max(passing)}**" if passing else "**none**")
        + ".",
        "",
        EXAMDAY_END,
        "",
    ]
    return out


def splice_examday(text: str, section: list[str]) -> str:
    """RESULTS.md with its exam-day section replaced by `section` (or added before the analysis)."""
    return splice(text, section, EXAMDAY_BEGIN, EXAMDAY_END)


def splice(text: str, section: list[str], begin: str, end: str) -> str:
    """RESULTS.md with the section between `begin` and `end` replaced by `section` (which
    carries both markers), or added before the ratios."""
    block = "\n".join(section)
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        return head + block + tail
    marker = "## Ratios"
    if marker in text:
        head, tail = text.split(marker, 1)
        return head + block + marker + tail
    return text.rstrip("\n") + "\n\n" + block


NGINX_ORDER = [
    ("static", "nginx"),
    ("shipped config", "nginx"),
    ("exam alias", "nginx, shipped config"),
    ("warm", "gunicorn alone"),
]
NGINX_TARGET = 0.5  # of static, issue 10 point 3


def nginx_section(results: dict) -> list[str]:
    """(g): the same warm tiles from nginx static, the shipped configuration, gunicorn alone."""
    load = results.get("nginx_deployment")
    if not load:
        return []
    connections = sorted({int(key.rsplit(" c", 1)[1]) for key in load})
    rows, verdicts = [], []
    for conns in connections:
        static = load_summary(load.get(load_key("static", "nginx", conns)) or [])["rate"]
        for kind, server in NGINX_ORDER:
            runs = load.get(load_key(kind, server, conns)) or []
            if not runs:
                continue
            summary = load_summary(runs)
            share = (
                f"{summary['rate'].median / static.median:.0%}"
                if static and summary["rate"]
                else "?"
            )
            rows.append(
                [
                    f"{kind}, {server}",
                    str(conns),
                    _fmt(summary["rate"], 0),
                    share,
                    _fmt(summary["p50"], 1),
                    _fmt(summary["p99"], 1),
                    f"{sum(r['requests'] for r in runs)} / {sum(r['errors'] for r in runs)}",
                    str(len(runs)),
                    _other(runs),
                ]
            )
            if kind in ("shipped config", "exam alias") and static and summary["rate"]:
                ratio = summary["rate"].median / static.median
                verdicts.append(
                    f"- {kind} at {conns} connections: {ratio:.0%} of static "
                    f"(target ≥ {NGINX_TARGET:.0%}): "
                    f"{'met' if ratio >= NGINX_TARGET else 'NOT met'}"
                )
    return [
        "## (g) Tiles in the nginx deployment (median [min–max] over repetitions)",
        "",
        "The same warm full-resolution tiles, runs interleaved (`bench/nginx_deployment.py`): "
        "*static* is nginx serving the pyramid folder with no token check (the ceiling); "
        "*shipped config* is deploy/nginx/portal.conf in front of the portal's gunicorn "
        "(nginx's secure_link checks each tile's token, nginx sends the file); *exam alias* is "
        "the same under an exam's alias (through the alias link); *gunicorn alone* is the "
        "portal with its WSGI fast lane. nginx `worker_processes auto`; wrk `-t 2`; "
        "everything on the same cores.",
        "",
        markdown_table(
            [
                "Server",
                "Conns",
                "Tiles/s",
                "Of static",
                "p50 ms",
                "p99 ms",
                "Requests / errors",
                "Runs",
                "Other load, cores",
            ],
            rows,
        ),
        "",
        *verdicts,
        "",
    ]


def _verdict(rate_ok: bool, p99_ok: bool) -> str:
    if rate_ok and p99_ok:
        return "met"
    missed = [name for name, ok in (("rate", rate_ok), ("p99", p99_ok)) if not ok]
    return "NOT met (" + ", ".join(missed) + ")"


def render(results: dict) -> str:
    config = results["config"]
    machine = results.get("machine", {})
    slide = results.get("slide", {})
    out = [
        "# Benchmark results",
        "",
        f"Recorded {results['started']} by `python -m bench.run"
        f"{' --quick' if config['quick'] else ''}` (`make bench`), "
        f"in {results.get('elapsed_minutes', 0):.1f} minutes.",
        "",
        "## Machine",
        "",
    ]
    out += [f"- {key}: {value}" for key, value in machine.items()]
    out += [
        "",
        "## Setup",
        "",
        f"- Slide: {slide.get('width')}×{slide.get('height')} px, "
        f"{slide.get('source_tile')} px JPEG tiles, {slide.get('megabytes', 0):.0f} MB, made by "
        f"{slide.get('generator')}; portal pyramid {slide.get('portal_levels')} levels, "
        f"{slide.get('portal_deepest_tiles')} full-resolution tiles "
        f"({slide.get('portal_tile_size')} px, source format {slide.get('source_format')}).",
        f"- Portal: {results.get('deployment', {}).get('database')}, broker "
        f"{results.get('deployment', {}).get('broker')}, cache "
        f"{results.get('deployment', {}).get('cache')}; gunicorn `-w 4 --threads 4`, "
        "DJANGO_DEBUG=0; Celery worker `-Q default,tiles --concurrency 2`.",
        "- Baseline: `bench/baseline_app.py`, openslide-python's Deep Zoom example "
        "(`DeepZoomGenerator(tile_size=254, overlap=1, limit_bounds=False)`, JPEG Q75, Flask) "
        "under the same gunicorn settings.",
        "- nginx: the portal's pyramid folder as static files under the same URL pattern "
        "(no token check), `worker_processes auto`, `sendfile on`, `open_file_cache`.",
        f"- Load: wrk `-t 2`, {config['duration']} s per run after a "
        f"{config['warmup']} s warm-up, {config['reps']} repetitions of everything. "
        "Cold runs walk a shuffled list of distinct full-resolution tiles (each URL once; warm-up "
        "URLs are disjoint from measured ones), on a fresh unbuilt slide (portal) or a freshly "
        "started server (baseline) per repetition; the rate is counted over the window in "
        "which every connection still had URLs (until the first wrk thread ran out). Warm and "
        "nginx runs pick full-resolution tiles at random.",
        "- *Other load* is the average number of cores busy with processes that are neither "
        "the benchmark's (servers, worker, wrk, vips) nor PostgreSQL/Redis during a measured "
        "run, median (max): the machine is shared. Before each measured run the benchmark "
        "waits up to 45 s (300 s per run in all) for that load to fall below 0.25 cores.",
        "- **wrk, the servers, PostgreSQL and Redis all share the same "
        f"{machine.get('nproc', '?')} cores**; absolute rates are lower than on a "
        "separate load generator, and the nginx ceiling is partly wrk's own ceiling.",
        "",
    ]
    out += [f"- Note: {note}" for note in results.get("notes", [])]
    out += [""] if results.get("notes") else []
    out += [
        "## (a) Upload-complete to every tile built (seconds, median [min–max])",
        "",
        markdown_table(
            BUILD_HEADER,
            build_rows(results.get("build", {})),
        ),
        "",
        "## (b)–(d) Tile serving (median [min–max] over repetitions)",
        "",
        markdown_table(
            LOAD_HEADER,
            load_rows(results.get("load", {})),
        ),
        "",
    ]
    if results.get("microbench"):
        out += [
            "## Per-request CPU, one thread, in-process (µs per call)",
            "",
            "No network, no gunicorn, no concurrency: the work one tile request costs in each "
            "layer (`bench/microbench.py`), for interior full-resolution tiles.",
            "",
            markdown_table(
                ["Layer", "µs"],
                [[name, f"{micros:.1f}"] for name, micros in results["microbench"].items()],
            ),
            "",
        ]
    out += answer_map_section(results)
    out += search_section(results.get("search"))
    folder = "bench" if not (config["quick"] or results.get("error")) else "bench/out"
    out += examday_section(results.get("examday"), folder=folder)
    out += nginx_section(results)
    for lines in results.get("sections", {}).values():  # steps that render their own, e.g. (h)
        out += lines
    ratios, rows = targets(results)
    out += ["## Ratios", ""] + [f"- {line}" for line in ratios] + [""]
    out += [
        "## Targets",
        "",
        markdown_table(["Target", "Measured (medians)", "Verdict"], rows),
        "",
    ]
    if results.get("analysis"):
        out += ["## Where the time goes", "", results["analysis"].strip(), ""]
    if results.get("error"):
        out += ["## Run failed", "", "```", results["error"].strip(), "```", ""]
    return "\n".join(out)


def console(results: dict) -> str:
    lines = [
        markdown_table(BUILD_HEADER, build_rows(results.get("build", {}))),
        "",
        markdown_table(
            LOAD_HEADER,
            load_rows(results.get("load", {})),
        ),
        "",
    ]
    ratios, rows = targets(results)
    lines += ratios + [""] + [f"{row[0]}: {row[1]} -> {row[2]}" for row in rows]
    return "\n".join(lines)
