"""Who used the CPUs during a measurement: the benchmark, the services it uses, or someone else.

The machine is shared (other people's tests may run during the benchmark), so each measurement
records how many cores were busy with processes that are neither ours (the benchmark, its
servers, workers and wrk) nor the services the portal uses (PostgreSQL, Redis). "Other" is the
machine's busy time from /proc/stat minus ours and the services', so processes that started and
ended inside the window are counted too. Before a measurement, `wait_for_quiet` waits (bounded)
for that other load to drop.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import procs

SERVICES = frozenset({"postgres", "redis-server"})
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Snapshot:
    at: float
    busy: int  # clock ticks, all CPUs
    ours: int
    services: int


def _machine_busy() -> int:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def snapshot() -> Snapshot:
    groups = procs.groups() | {os.getpgrp()}
    ours = services = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.find("(") + 1 : raw.rfind(")")]
        rest = raw[raw.rfind(")") + 2 :].split()
        ticks = sum(int(v) for v in rest[11:15])  # utime stime cutime cstime
        if int(rest[2]) in groups:
            ours += ticks
        elif comm in SERVICES:
            services += ticks
    return Snapshot(time.monotonic(), _machine_busy(), ours, services)


def usage(start: Snapshot, end: Snapshot) -> dict[str, float]:
    """Average cores busy between two snapshots, by whom."""
    seconds = max(end.at - start.at, 1e-6)
    hz = os.sysconf("SC_CLK_TCK")
    busy = (end.busy - start.busy) / hz / seconds
    ours = (end.ours - start.ours) / hz / seconds
    services = (end.services - start.services) / hz / seconds
    return {
        "busy_cores": round(busy, 2),
        "our_cores": round(ours, 2),
        "service_cores": round(services, 2),
        "other_cores": round(max(0.0, busy - ours - services), 2),
    }


def wait_for_quiet(*, threshold: float = 0.25, max_wait: float = 45.0, window: float = 1.0):
    """Wait until processes not ours used under `threshold` cores for `window` seconds; give up
    after `max_wait` seconds. Returns (seconds waited, last other-load sample)."""
    started = time.monotonic()
    while True:
        before = snapshot()
        time.sleep(window)
        other = usage(before, snapshot())["other_cores"]
        waited = time.monotonic() - started
        if other < threshold or waited >= max_wait:
            return waited, other
