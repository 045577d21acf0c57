"""Time and peak memory of `export_course` and `import_course` on the demo course.

    python -m bench.course_bundles [--big]

Two fresh PostgreSQL databases and data folders under var/: portal A is seeded (`seed_demo`;
with --big, a 24,000 x 18,000 px slide is added to the course), its course exported; portal B
is migrated empty and imports the bundle twice (the second time its slides are re-used). Each
command runs under /usr/bin/time; a bare `manage.py check` is timed as the baseline of a Django
process. Needs DATABASE_URL's server (its credentials are reused) and writes nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-bundles"
BIG_SLIDE = """
from pathlib import Path
from fixtures import synthetic
from slides import pipeline, services
from courses import services as course_services
from courses.models import Course
from portal.models import User
path = synthetic.make_svs(Path("{folder}"), width=24000, height=18000, stem="big")
educator = User.objects.get(username="educator")
slide = services.create_slide(uploaded_by=educator, original=path, original_name=path.name,
                              title="Big", move=False)
slide = services.approve_slide(slide=pipeline.run_inline(slide.id), reviewer=educator)
case = Course.objects.get(title__startswith="Demo: Foundations").modules.first().cases.first()
course_services.add_case_slide(case=case, slide=slide, stain="H&E (big)")
"""


def _portal(name: str) -> dict[str, str]:
    url = urlsplit(os.environ["DATABASE_URL"])
    env = dict(os.environ, DJANGO_DEBUG="1", PORTAL_DATA_DIR=str(WORK / name))
    env["DATABASE_URL"] = url._replace(path=f"/bench_bundles_{name}").geturl()
    env.pop("CACHE_URL", None)
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e s, peak %M KiB", sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout + done.stderr


def _measured(output: str) -> str:
    return re.findall(r"TIME [^\n]*", output)[-1]


def _fresh_database(name: str) -> None:
    env = _portal(name)
    script = (
        "import psycopg, os, urllib.parse as u;"
        "p = u.urlsplit(os.environ['DATABASE_URL']);"
        "c = psycopg.connect(host=p.hostname, port=p.port or 5432, user=p.username,"
        " password=p.password, dbname='postgres', autocommit=True);"
        f"c.execute('DROP DATABASE IF EXISTS bench_bundles_{name} WITH (FORCE)');"
        f"c.execute('CREATE DATABASE bench_bundles_{name}')"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    subprocess.run(["rm", "-rf", str(WORK / name)], check=True)
    _run(env, "migrate", "--no-input", "-v", "0")


def main(big: bool) -> None:
    for name in ("a", "b"):
        _fresh_database(name)
    a, b = _portal("a"), _portal("b")
    _run(a, "seed_demo")
    if big:
        _run(a, "shell", "-c", BIG_SLIDE.format(folder=WORK / "big-source"))
    printed = _run(a, "shell", "-c", "from courses.models import Course; print(Course.objects.get("
                   "title__startswith='Demo: Foundations').uuid)")  # fmt: skip
    uuid = re.search(r"[0-9a-f]{8}-[0-9a-f-]{27}", printed).group(0)
    bundle = WORK / "demo.coursebundle.tar"
    print("baseline (manage.py check):", _measured(_run(a, "check")))
    print("export:", _measured(_run(a, "export_course", uuid, str(bundle))))
    print(f"bundle: {bundle.stat().st_size / 1e6:.1f} MB")
    _run(b, "shell", "-c", "from portal.models import User, Role; User.objects.create_user("
         "username='importer', password='x', role=Role.EDUCATOR)")  # fmt: skip
    print("import:", _measured(_run(b, "import_course", str(bundle), "--owner", "importer")))
    print("again:", _measured(_run(b, "import_course", str(bundle), "--owner", "importer")))


if __name__ == "__main__":
    main(big="--big" in sys.argv)
