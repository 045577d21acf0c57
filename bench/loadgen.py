"""Load generation with wrk and a Lua script that takes tile URLs from a list file.

Two modes:
- "walk": every URL at most once (cold tiles). Thread i of T takes URLs i, i+T, i+2T, ...; a
  `delay()` hook reserves one URL before each request and parks the connection for an hour once
  the thread's share is used up, so no URL is requested twice; a thread whose URLs have all been
  answered stops. wrk divides by the whole `-d` duration even when lists run out early, so the
  script counts the rate itself (LuaJIT FFI monotonic clock, responses counted in 50 ms buckets)
  over the window in which every connection still had URLs: from the first request sent until
  the first thread ran out of URLs (or, when none ran out, until the last response).
- "random": URLs drawn at random with replacement (warm tiles, static files).

Every run is bounded by wrk's `-d` and by a subprocess timeout.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from . import procs

COMMON = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec_t;
int clock_gettime(int clk_id, bench_timespec_t *tp);
]]
local clock_buffer = ffi.new("bench_timespec_t")
local function now()
  ffi.C.clock_gettime(1, clock_buffer)  -- CLOCK_MONOTONIC
  return tonumber(clock_buffer.tv_sec) + tonumber(clock_buffer.tv_nsec) / 1e9
end

local threads = {}
local thread_count = 0
BUCKETS_PER_SECOND = 20

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  local index = 0
  requests_ = {}
  for line in io.lines(path) do
    if #line > 0 then
      if (not WALK) or (index % nthreads == thread_id) then
        table.insert(requests_, wrk.format(nil, line))
      end
      index = index + 1
    end
  end
  count = #requests_
  reserved = 0
  position = 0
  completed = 0
  bad = 0
  overflow = 0
  exhausted = 0
  first_start = 0
  last_end = 0
  exhausted_at = 0
  buckets = {}
  math.randomseed(7919 * (thread_id + 1))
end

function done(summary, latency, requests)
  local total, bad_total, overflow_total, exhausted_total = 0, 0, 0, 0
  local first, last, cut = nil, 0, nil
  for _, thread in ipairs(threads) do
    total = total + thread:get("completed")
    bad_total = bad_total + thread:get("bad")
    overflow_total = overflow_total + thread:get("overflow")
    exhausted_total = exhausted_total + thread:get("exhausted")
    local s, e = thread:get("first_start"), thread:get("last_end")
    if s > 0 and (first == nil or s < first) then first = s end
    if e > last then last = e end
    local x = thread:get("exhausted_at")
    if x == 0 then x = e end
    if x > 0 and (cut == nil or x < cut) then cut = x end
  end
  local span = 0
  if first ~= nil and last > first then span = last - first end
  -- The window in which every connection was busy: until the first thread ran out of URLs.
  local cut_requests, cut_span = 0, 0
  if first ~= nil and cut ~= nil and cut > first then
    local cut_bucket = math.floor(cut * BUCKETS_PER_SECOND)
    for _, thread in ipairs(threads) do
      for bucket, n in pairs(thread:get("buckets")) do
        if bucket < cut_bucket then cut_requests = cut_requests + n end
      end
    end
    cut_span = cut_bucket / BUCKETS_PER_SECOND - first
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, '
    .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
    .. '"status_errors": %d, "lua_completed": %d, "lua_bad": %d, "lua_overflow": %d, '
    .. '"threads_exhausted": %d, "active_span_s": %.6f, '
    .. '"cut_requests": %d, "cut_span_s": %.6f}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    total, bad_total, overflow_total, exhausted_total, span, cut_requests, cut_span))
end
"""

WALK = r"""
WALK = true

function delay()
  if reserved >= count then
    if exhausted == 0 then
      exhausted = 1
      exhausted_at = now()
    end
    return 3600000  -- park this connection: the thread's URLs are used up
  end
  reserved = reserved + 1
  return 0
end

function request()
  if position >= reserved then
    -- Called without a reservation: wrk's own check of the script before the run (nothing is
    -- sent), or a reconnect re-sending the request that was lost with its connection.
    if position == 0 then return requests_[1] end
    overflow = overflow + 1
    return requests_[position]
  end
  if first_start == 0 then first_start = now() end
  position = position + 1
  return requests_[position]
end

function response(status, headers, body)
  completed = completed + 1
  if status ~= 200 then bad = bad + 1 end
  last_end = now()
  local bucket = math.floor(last_end * BUCKETS_PER_SECOND)
  buckets[bucket] = (buckets[bucket] or 0) + 1
  if completed >= count then
    wrk.thread:stop()  -- every URL of this thread answered: leave no idle connection behind
  end
end
"""

RANDOM = r"""
WALK = false

function request()
  return requests_[math.random(count)]
end
"""


@dataclass
class LoadResult:
    label: str
    mode: str
    connections: int
    requests: int
    rate: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    socket_errors: int
    seconds: float
    exhausted: bool
    repeats: int
    bytes_per_request: float
    connections_per_process: list[int]

    def as_dict(self) -> dict:
        return asdict(self)


def _script(workdir: Path, mode: str) -> Path:
    path = workdir / f"wrk-{mode}.lua"
    path.write_text(COMMON + (WALK if mode == "walk" else RANDOM))
    return path


def run_wrk(
    label: str,
    port: int,
    urls: list[str],
    *,
    mode: str,
    connections: int,
    duration: float,
    workdir: Path,
    threads: int = 2,
    timeout_s: int = 10,
) -> LoadResult:
    if mode not in ("walk", "random"):
        raise ValueError(mode)
    if not urls:
        raise ValueError("no URLs to request")
    workdir.mkdir(parents=True, exist_ok=True)
    url_file = workdir / f"urls-{label.replace(' ', '_').replace('/', '_')}.txt"
    url_file.write_text("\n".join(urls) + "\n")
    threads = min(threads, connections)
    seconds = max(1, round(duration))
    args = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{timeout_s}s",
        "--latency",
        "-s",
        str(_script(workdir, mode)),
        f"http://127.0.0.1:{port}",
        "--",
        str(url_file),
        str(threads),
    ]
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    procs.track(proc)
    spread: list[int] = []
    try:
        if seconds >= 2:
            time.sleep(min(seconds / 2, 5))
            spread = connections_per_process(port)
        stdout, stderr = proc.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired as error:
        raise procs.ProcessFailed(f"wrk did not finish: {' '.join(args)}") from error
    finally:
        procs.stop(proc, grace=2)
    if proc.returncode != 0:
        raise procs.ProcessFailed(f"wrk exited with {proc.returncode}:\n{stdout}\n{stderr}")
    output = stdout
    (workdir / f"wrk-{label.replace(' ', '_').replace('/', '_')}.out").write_text(output)
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise procs.ProcessFailed(f"wrk printed no summary:\n{output}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = data["timeouts"] + data["status_errors"] + data["lua_bad"]
    socket_errors = data["connect_errors"] + data["read_errors"] + data["write_errors"]
    wall = data["duration_us"] / 1e6
    if mode == "walk" and data["cut_span_s"] > 0.5:
        # Rate over the window in which all connections had URLs left (see the module doc).
        seconds_used = data["cut_span_s"]
        rate = data["cut_requests"] / seconds_used
        requests = data["lua_completed"]
    elif mode == "walk" and data["active_span_s"] > 0:
        seconds_used = data["active_span_s"]
        requests = data["lua_completed"]
        rate = requests / seconds_used
    else:
        seconds_used = wall
        requests = data["requests"]
        rate = requests / seconds_used if seconds_used else 0.0
    return LoadResult(
        label=label,
        mode=mode,
        connections=connections,
        requests=requests,
        rate=rate,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=errors,
        socket_errors=socket_errors,
        seconds=seconds_used,
        exhausted=bool(data["threads_exhausted"]),
        repeats=data["lua_overflow"],  # lost with a dropped connection, then sent again
        bytes_per_request=data["bytes"] / data["requests"] if data["requests"] else 0.0,
        connections_per_process=spread,
    )


def connections_per_process(port: int) -> list[int]:
    """How the server's established connections on `port` are spread over its processes
    (largest first), from `ss`; empty when `ss` is missing."""
    try:
        result = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    counts = Counter(re.findall(r"pid=(\d+)", result.stdout))
    return sorted(counts.values(), reverse=True)
