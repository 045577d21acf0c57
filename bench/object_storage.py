"""(h) Warm tiles with object storage beside the local disk.

The slide's full-resolution tiles are put in a bucket of an S3-compatible server (moto in
server mode, on this machine), and two portal gunicorns serve the same tile URLs:
- *local disk*: the benchmark's deployment, reading the built pyramid folder;
- *object storage*: a deployment with `PORTAL_OBJECT_STORAGE_*` set and an empty data folder of
  its own, so its PYRAMID_DIR is the web node's tile cache. Its *first read* walks every URL
  once (each tile a GET from the bucket by Django, written into the cache); its *warm* runs
  are then served from the cache, as a web node serves all but a tile's first request.

moto is a Python server, so the first-read rate says more about moto than about S3; the warm
rows are the comparison that matters. Runs of the two warm servers are interleaved.
"""

from __future__ import annotations

import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import loadgen, procs, report, servers
from .environment import OUT, ROOT

SECTION = "object_storage"
LOCAL = ("warm", "local disk")
REMOTE = ("warm", "object storage (node cache)")
FIRST = ("first read", "object storage (GET from moto)")
ORDER = (LOCAL, REMOTE, FIRST)
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench-secret"}


class ObjectStoragePortal(servers.Portal):
    name = "portal-object-storage"


class Moto(servers._Server):
    name = "moto-server"

    def command(self):
        args = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        return args, None


def _tile_file(url: str) -> str:
    """`<uuid>/<level>/<col>_<row>.jpeg` of a tile URL (`/slides/tiles/<token>/<uuid>_files/...`):
    its key under `pyramids/` and its path under a pyramid folder."""
    head, _, tile = url.partition("_files/")
    return f"{head.rsplit('/', 1)[1]}/{tile}"


def fill_bucket(endpoint: str, bucket: str, url_list: list[str]) -> None:
    import boto3
    from django.conf import settings

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=bucket)
    pyramids = Path(settings.SLIDES["PYRAMID_DIR"])

    def put(url: str) -> None:
        name = _tile_file(url)
        client.put_object(
            Bucket=bucket, Key=f"pyramids/{name}", Body=(pyramids / name).read_bytes()
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, url_list))


def measure(bench, record, url_list: list[str], check_tile) -> None:
    """Record every run under `bench.results["object_storage"]`."""
    config = bench.config
    bucket = f"bench-{secrets.token_hex(6)}"
    cache = OUT / "object-storage-node"
    procs.run(["rm", "-rf", str(cache)], timeout=120, cwd=ROOT)
    with Moto() as moto:
        endpoint = f"http://127.0.0.1:{moto.port}"
        bench.log_step(f"(h) putting {len(url_list)} tiles in a bucket on moto")
        fill_bucket(endpoint, bucket, url_list)
        env = {
            "PORTAL_DATA_DIR": str(cache),
            "PORTAL_OBJECT_STORAGE_BUCKET": bucket,
            "PORTAL_OBJECT_STORAGE_ENDPOINT_URL": endpoint,
            "PORTAL_OBJECT_STORAGE_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "PORTAL_OBJECT_STORAGE_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        }
        with (
            servers.Portal(bench.deployment) as local,
            ObjectStoragePortal(bench.deployment, env=env) as remote,
        ):
            key = report.load_key(*FIRST, 16)
            bench.log_step(f"(h) {key}")
            result, cpu = bench.measured(
                lambda: loadgen.run_wrk(
                    key,
                    remote.port,
                    url_list,
                    mode="walk",
                    connections=16,
                    # wrk runs for its whole duration; enough for every URL at ~150/s.
                    duration=min(300.0, max(config.duration, len(url_list) / 150)),
                    workdir=bench.work,
                )
            )
            bench.record_load(key, result, cpu, section=SECTION)
            cached = sum((cache / "pyramids" / _tile_file(url)).exists() for url in url_list)
            bench.results[f"{SECTION}_cached"] = [cached, len(url_list)]
            sample = url_list[len(url_list) // 2]
            if check_tile(remote.port, sample) != check_tile(local.port, sample):
                raise RuntimeError(f"object storage serves other bytes for {sample}")
            targets = {LOCAL: local.port, REMOTE: remote.port}
            for connections in config.connections:
                for port in targets.values():
                    bench.warm_up(port, url_list, connections)
                for rep in range(config.reps):
                    for kind, port in targets.items():
                        key = report.load_key(*kind, connections)
                        bench.log_step(f"(h) {key}, repetition {rep + 1}/{config.reps}")
                        result, cpu = bench.measured(
                            lambda p=port, c=connections, k=key: bench.wrk_random(k, p, url_list, c)
                        )
                        bench.record_load(key, result, cpu, section=SECTION)
    bench.results.setdefault("sections", {})[SECTION] = section(bench.results)


def section(results: dict) -> list[str]:
    """The Markdown section for bench/RESULTS.md (kept in the results, so --render-only
    reprints it without importing this module into the report)."""
    load = results.get(SECTION)
    if not load:
        return []
    connections = sorted({int(key.rsplit(" c", 1)[1]) for key in load})
    rows = []
    for conns in connections:
        local = report.load_summary(load.get(report.load_key(*LOCAL, conns)) or [])["rate"]
        for kind, server in ORDER:
            runs = load.get(report.load_key(kind, server, conns)) or []
            if not runs:
                continue
            summary = report.load_summary(runs)
            share = (
                f"{summary['rate'].median / local.median:.0%}" if local and summary["rate"] else "?"
            )
            requests = sum(r["requests"] for r in runs)
            errors = sum(r["errors"] for r in runs)
            rows.append(
                [
                    f"{kind}, {server}",
                    str(conns),
                    summary["rate"].fmt(0),
                    share,
                    summary["p50"].fmt(1),
                    summary["p99"].fmt(1),
                    f"{requests} / {errors}",
                    str(len(runs)),
                ]
            )
    header = ["Server", "Conns", "Tiles/s", "Of local disk", "p50 ms", "p99 ms"]
    return [
        "## (h) Warm tiles with object storage beside the local disk (median [min–max])",
        "",
        "The same full-resolution tile URLs from two portal gunicorns with the WSGI fast lane "
        "(`bench/object_storage.py`): one reads the built pyramid folder, the other has "
        "`PORTAL_OBJECT_STORAGE_*` set and an empty data folder, its tile cache. *First read* "
        "walks every URL once: each a miss the fast lane hands to Django, which GETs it from "
        "moto (a Python S3 server on the same cores, so this row measures moto as much as the "
        "portal) and writes it into the cache; the *warm* runs, interleaved, are served from "
        "the cache by the fast lane.",
        "",
        "Tiles in the node's cache after the first read: {} of {}.".format(
            *results.get(f"{SECTION}_cached", ["?", "?"])
        ),
        "",
        report.markdown_table([*header, "Requests / errors", "Runs"], rows),
        "",
    ]
