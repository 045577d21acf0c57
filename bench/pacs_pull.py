"""`python -m bench.pacs_pull`: (j) a DICOM WSI series pulled from a local Orthanc to every tile
built, beside the file import of the same series (issue 11's target: within 1.5×).

    python -m bench.pacs_pull            # 30000×24000 series, 3 repetitions
    python -m bench.pacs_pull --quick    # 8000×6000, to iterate

The series is `fixtures.synthetic.make_dicom_wsi` (JPEG frames, TILED_FULL, LABEL and OVERVIEW
included), stored in Orthanc over STOW-RS (tests/orthanc.py starts it with deploy/orthanc). Both
paths run on one Celery worker (concurrency 2) of a fresh benchmark deployment:

- file import: the series zipped (stored) as an upload would be, handed to
  `services.create_slide`, timed to the slide's `build_finished_at`;
- pull: `dicomweb_import.request_import` (WADO-RS, VOLUME instances only, de-identified,
  moved into the slide's original folder, then the same pipeline), timed from the request to
  the same `build_finished_at`.

Writes its section into bench/RESULTS.md (bench/out/RESULTS-pacs-quick.md for --quick).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
import zipfile
from pathlib import Path

from . import build, procs
from .environment import OUT, ROOT, prepare, setup_django

RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN = "<!-- pacs-pull: begin -->"
END = "<!-- pacs-pull: end -->"
TARGET = 1.5
TIMEOUT = 1800.0


def make_series(width: int, height: int) -> tuple[list[Path], Path]:
    """The series' instance files and a stored zip of them (the file import's upload)."""
    from fixtures.synthetic import make_dicom_wsi

    level0 = make_dicom_wsi(OUT / "pacs-series", width=width, height=height, stem="series")
    files = sorted(level0.parent.glob("*.dcm"))
    archive = OUT / "pacs-series" / "series.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in files:
            zf.write(path, f"series/{path.name}")
    return files, archive


def pull_once(orthanc, study_uid: str, series_uid: str, worker: build.Worker) -> float:
    from slides import dicomweb_import
    from slides.models import DicomwebImport, DicomwebSource, Slide

    source, _ = DicomwebSource.objects.update_or_create(
        name="bench Orthanc",
        defaults={
            "url": orthanc.dicomweb_url,
            "auth": DicomwebSource.Auth.BASIC,
            "username": orthanc.auth[0],
            "secret": orthanc.auth[1],
        },
    )
    start = time.time()
    job = dicomweb_import.request_import(
        source=source,
        requested_by=None,
        study_uid=study_uid,
        series_uid=series_uid,
        title="bench pull",
    )
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == DicomwebImport.Status.FAILED:
            raise RuntimeError(f"the pull failed: {job.failure_reason}")
        if job.slide_id:
            slide = Slide.objects.get(pk=job.slide_id)
            if slide.status == Slide.Status.FAILED:
                raise RuntimeError(f"the pulled slide failed: {slide.failure_reason}")
            if slide.status == Slide.Status.AWAITING_REVIEW:
                seconds = slide.build_finished_at.timestamp() - start
                build.delete(slide)
                return seconds
        if worker.proc is not None and worker.proc.poll() is not None:
            raise RuntimeError(f"the Celery worker died; see {worker.log}")
        time.sleep(build.POLL_SECONDS)
    raise RuntimeError(f"the pull did not finish within {TIMEOUT:.0f} s")


def measure(width: int, height: int, reps: int) -> dict:
    import pydicom

    from tests.orthanc import running_orthanc

    deployment = prepare()
    setup_django(deployment)
    print(f"series {width}×{height}: making it", flush=True)
    files, archive = make_series(width, height)
    first = pydicom.dcmread(files[0], stop_before_pixels=True)
    results: dict = {"width": width, "height": height, "file": [], "pull": [], "tiles": 0}
    results["mib"] = round(sum(p.stat().st_size for p in files) / 2**20)
    with running_orthanc(OUT / "orthanc") as orthanc, build.Worker(deployment) as worker:
        orthanc.delete_everything()
        orthanc.stow(files)
        for rep in range(reps):
            run, record = build.run_celery(archive, worker, timeout=TIMEOUT)
            results["file"].append(run.seconds)
            results["tiles"] = run.tiles
            build.delete(record)
            results["pull"].append(
                pull_once(orthanc, first.StudyInstanceUID, first.SeriesInstanceUID, worker)
            )
            file_s, pull_s = results["file"][-1], results["pull"][-1]
            print(f"  rep {rep + 1}: file {file_s:.2f} s, pull {pull_s:.2f} s", flush=True)
    return results


def section(results: dict, recorded: str) -> list[str]:
    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"

    ratio = statistics.median(results["pull"]) / statistics.median(results["file"])
    verdict = "meets" if ratio <= TARGET else "misses"
    return [
        BEGIN,
        "## (j) PACS pull against file import (seconds to every tile built, median [min–max])",
        "",
        recorded,
        f"A {results['width']}×{results['height']} DICOM WSI series ({results['mib']} MiB, JPEG "
        "frames, LABEL and OVERVIEW included) in a local Orthanc; one Celery worker "
        "(concurrency 2). The pull fetches the VOLUME instances over WADO-RS, de-identifies "
        "them, moves them into the new slide's original folder and runs the same pipeline; "
        "both paths copy the level-0 JPEG frames as they are.",
        "",
        "| Path | Seconds | Tiles | Runs |",
        "|---|---|---|---|",
        f"| file import (stored zip of the series) | {spread(results['file'])} | "
        f"{results['tiles']} | {len(results['file'])} |",
        f"| pull from Orthanc (WADO-RS) | {spread(results['pull'])} | {results['tiles']} | "
        f"{len(results['pull'])} |",
        "",
        f"Pull / file import: **{ratio:.2f}×** ({verdict} the target of {TARGET}×).",
        END,
        "",
    ]


def splice(text: str, block: list[str]) -> str:
    joined = "\n".join(block)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        return head + joined + rest.split(END, 1)[1].lstrip("\n")
    marker = "## Ratios"
    if marker in text:
        head, tail = text.split(marker, 1)
        return head + joined + "\n" + marker + tail
    return text.rstrip("\n") + "\n\n" + joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pacs_pull")
    parser.add_argument("--quick", action="store_true", help="8000×6000 series")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    width, height = (8000, 6000) if args.quick else (30000, 24000)
    procs.install_handlers()
    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        results = measure(width, height, args.reps)
    finally:
        procs.stop_all()
    recorded = (
        f"Recorded {started} by `python -m bench.pacs_pull`; the machine is shared with other "
        "engineers."
    )
    block = section(results, recorded)
    if args.quick:
        target = OUT / "RESULTS-pacs-quick.md"
        target.write_text("\n".join(block))
    else:
        target = RESULTS
        target.write_text(splice(RESULTS.read_text(), block))
    print("\n".join(block))
    print(f"written: {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
