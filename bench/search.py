"""(i) Search over a large library: 10,000 slides and 2,000 cases (generated rows).

Rows are generated into the benchmark's database inside a transaction that is rolled back
afterwards. Each typical query goes through the real views, in-process (`RequestFactory`, no
HTTP): the slide library page (`slides.views.library`: ranked search, first page, facets) and
the search page (`courses.views.search.search_page`: slides and cases). Reported per query: the
median and p95 of 15 runs after one warm-up, and the number of SQL statements.

    python -m bench.search     # only this step, on a fresh benchmark database; replaces its
                               # section of bench/RESULTS.md
"""

from __future__ import annotations

import random
import statistics
import sys
import time

SLIDES = 10_000
CASES = 2_000
RUNS = 15
QUERIES = ("breast h&e", "brest carcinoma", "colon adenoma", "ki67", "metastatic melanoma lymph")
ORGANS = ("Breast", "Colon", "Lung", "Skin", "Lymph node", "Prostate", "Liver", "Kidney",
          "Stomach", "Thyroid", "Ovary", "Bone marrow")  # fmt: skip
STAINS = ("H&E", "PAS", "Ki67", "ER", "HER2", "CD20", "CK7", "Reticulin", "Congo red")
FINDINGS = ("carcinoma", "adenoma", "melanoma", "lymphoma", "metastatic", "inflammation",
            "granuloma", "dysplasia", "serrated", "papillary", "necrosis", "fibrosis")  # fmt: skip
PROCEDURES = ("core biopsy", "excision", "resection", "punch", "polypectomy", "FNA cell block")


def generate(seed: int = 7):
    """The rows: an educator managing one course with 2,000 cases, and 10,000 slides."""
    from courses import services as course_services
    from courses.models import Case, Module
    from portal.models import Role, User
    from slides import search
    from slides.models import Slide, Tag

    rng = random.Random(seed)
    educator = User.objects.create(username="search-bench-educator", role=Role.EDUCATOR)
    tags = [Tag.objects.get_or_create(name=name)[0] for name in FINDINGS]
    slides = []
    for i in range(SLIDES):
        organ, stain = rng.choice(ORGANS), rng.choice(STAINS)
        title = f"{organ} {rng.choice(PROCEDURES)} {i}"
        slides.append(Slide(title=title, organ=organ, stain=stain, status="ready", width=1000,
                            height=1000))  # fmt: skip
    Slide.objects.bulk_create(slides, batch_size=2000)
    through = Slide.tags.through
    links = []
    for slide in slides:
        for tag in rng.sample(tags, 2):
            links.append(through(slide_id=slide.id, tag_id=tag.id))
    through.objects.bulk_create(links, batch_size=5000)
    search.refresh_documents([slide.id for slide in slides])
    course = course_services.create_course(owner=educator, title="Search benchmark")
    modules = [Module.objects.create(course=course, title=f"Module {m}", position=m)
               for m in range(20)]  # fmt: skip
    cases = []
    for i in range(CASES):
        organ, finding = rng.choice(ORGANS), rng.choice(FINDINGS)
        cases.append(Case(
            module=modules[i % len(modules)], title=f"{organ} {finding} {i}", position=i,
            clinical_history=f"A {rng.randint(20, 90)}-year-old with a {organ.lower()} lesion "
                             f"found at {rng.choice(PROCEDURES)}.",
            diagnosis=f"{finding.capitalize()} of the {organ.lower()}",
            discussion=f"Features of {finding}; compare with {rng.choice(FINDINGS)}.",
        ))  # fmt: skip
    Case.objects.bulk_create(cases, batch_size=2000)
    return educator


def timed(view, request) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = view(request)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{request.get_full_path()} answered {response.status_code}")
    return elapsed, len(queries)


def measure(log=print) -> dict:
    """Generate, time every query on both pages, roll back. Returns {rows, queries...}."""
    from django.db import connection, transaction
    from django.test import RequestFactory

    from courses.views.search import search_page
    from slides.views import library

    from . import cpuload

    factory = RequestFactory(HTTP_HOST="localhost")
    rows = []
    with transaction.atomic():
        started = time.perf_counter()
        educator = generate()
        log(f"(i) search: {SLIDES} slides, {CASES} cases generated in "
            f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        before = cpuload.snapshot()
        for page, view, path in (("library", library, "/slides/"),
                                 ("search page", search_page, "/search/")):  # fmt: skip
            for query in QUERIES:
                request = factory.get(path, {"q": query})
                request.user = educator
                timed(view, request)  # warm-up
                times, counts = [], set()
                for _ in range(RUNS):
                    request = factory.get(path, {"q": query})
                    request.user = educator
                    ms, count = timed(view, request)
                    times.append(ms)
                    counts.add(count)
                times.sort()
                row = {
                    "page": page,
                    "query": query,
                    "p50_ms": statistics.median(times),
                    "p95_ms": times[int(0.95 * (len(times) - 1))],
                    "queries": max(counts),
                }
                rows.append(row)
                log(f"  {page:12} {query!r:30} p50 {row['p50_ms']:6.1f} ms  p95 "
                    f"{row['p95_ms']:6.1f} ms  {row['queries']} queries")  # fmt: skip
        other = cpuload.usage(before, cpuload.snapshot())["other_cores"]
        transaction.set_rollback(True)
    return {"slides": SLIDES, "cases": CASES, "runs": RUNS, "rows": rows,
            "database": connection.vendor, "other_cores": other}  # fmt: skip


def main() -> int:
    from . import procs
    from .environment import prepare, setup_django

    deployment = prepare()
    setup_django(deployment)
    try:
        result = measure()
    finally:
        procs.stop_all()
    from .environment import ROOT
    from .report import SEARCH_BEGIN, SEARCH_END, search_section, splice

    results = ROOT / "bench" / "RESULTS.md"
    section = search_section(result)
    results.write_text(splice(results.read_text(), section, SEARCH_BEGIN, SEARCH_END))
    print("\n".join(section))
    print(f"written: {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
