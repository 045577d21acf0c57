"""`python manage.py seed_demo`: demo accounts, processed demo slides and a demo course.

Safe to run again: what exists already is left as it is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from courses import services as course_services
from courses.models import Course
from portal.demo import DEMO_ACCOUNTS
from portal.models import User
from slides import pipeline, services
from slides.geometry import ellipse_polygon
from slides.models import Slide

# (title, organ, stain, approve?) in the order fixtures.synthetic.make_demo_set writes them.
DEMO_SLIDES = [
    ("Demo: breast core biopsy (H&E)", "Breast", "H&E", True),
    ("Demo: breast core biopsy (IHC)", "Breast", "IHC", True),
    ("Demo: colon biopsy", "Colon", "H&E", True),
    ("Demo: skin excision (awaiting review)", "Skin", "H&E", False),
]
DEMO_COURSE = "Demo: Foundations of histopathology"


class Command(BaseCommand):
    help = "Create the demo accounts, slides and course (safe to run again)."

    def handle(self, *args, **options):
        accounts = self._accounts()
        self._slides(accounts["educator"])
        self._course(accounts)
        self.stdout.write(self.style.SUCCESS("Demo ready."))

    def _accounts(self) -> dict[str, User]:
        users = {}
        for account in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=account["username"],
                defaults={"role": account["role"], "email": f"{account['username']}@example.org"},
            )
            if created:
                user.set_password(account["password"])
                user.is_staff = user.is_superuser = account["role"] == "admin"
                user.save()
            users[account["username"]] = user
        return users

    def _slides(self, educator: User) -> None:
        from fixtures.synthetic import make_demo_set

        if all(Slide.objects.filter(title=spec[0]).exists() for spec in DEMO_SLIDES):
            return
        with tempfile.TemporaryDirectory() as scratch:
            files = make_demo_set(Path(scratch))
            for (title, organ, stain, approve), path in zip(DEMO_SLIDES, files, strict=True):
                if Slide.objects.filter(title=title).exists():
                    continue
                self.stdout.write(f"Processing demo slide {title!r}…")
                with services.tasks_inline(), transaction.atomic():
                    slide = services.create_slide(
                        uploaded_by=educator,
                        original=path,
                        original_name=path.name,
                        title=title,
                        organ=organ,
                        stain=stain,
                        tags=["demo"],
                    )
                slide = pipeline.run_inline(slide.id)
                if approve and slide.status == Slide.Status.AWAITING_REVIEW:
                    services.approve_slide(slide=slide, reviewer=educator, note="Demo slide.")

    @transaction.atomic
    def _course(self, users: dict[str, User]) -> None:
        if Course.objects.filter(title=DEMO_COURSE).exists():
            return
        he, ihc, colon = (Slide.objects.get(title=spec[0]) for spec in DEMO_SLIDES[:3])
        educator = users["educator"]
        course = course_services.create_course(
            owner=educator,
            title=DEMO_COURSE,
            description="Two short modules to try the portal: study cases, follow a guided "
            "tour, compare an H&E with its immunostain, and measure.",
        )
        course_services.update_course(
            course=course,
            title=course.title,
            description=course.description,
            status="published",
            cover_slide=he,
        )
        breast = course_services.add_module(course=course, title="Breast")
        gi = course_services.add_module(course=course, title="Gastrointestinal")

        case = course_services.add_case(module=breast, title="Breast mass in a 52-year-old")
        course_services.update_case(
            case=case,
            title=case.title,
            clinical_history="<p>A 52-year-old woman with a <strong>2 cm palpable mass</strong> "
            "in the upper outer quadrant of the left breast. Mammography: spiculated lesion, "
            "BI-RADS 5. Core biopsy.</p>",
            diagnosis="Invasive carcinoma of no special type (demo).",
            discussion="<p>Compare the H&amp;E with the immunostain side by side: the positive "
            "nuclei follow the cellular areas.</p>",
            reveal_allowed=True,
        )
        he_slide = course_services.add_case_slide(case=case, slide=he, stain="H&E")
        course_services.add_case_slide(case=case, slide=ihc, stain="IHC (nuclear marker)")
        shapes = [
            (
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[2200, 1300], [3400, 1200], [3800, 2100], [2900, 2800], [2100, 2300],
                         [2200, 1300]]
                    ],
                },
                {"label": "Cellular area", "colour": "#d62728", "kind": "polygon",
                 "note": "Densely cellular tissue: look at the nuclei here."},
            ),
            (
                {"type": "Point", "coordinates": [3000, 2000]},
                {"label": "Nucleus", "colour": "#9467bd", "kind": "point",
                 "note": "A hyperchromatic nucleus."},
            ),
            (
                {"type": "LineString", "coordinates": [[4300, 900], [3700, 1500]]},
                {"label": "Edge", "colour": "#2ca02c", "kind": "arrow",
                 "note": "The edge of the tissue fragment."},
            ),
            (
                ellipse_polygon(1500, 2600, 400, 250),
                {"label": "Stroma", "colour": "#1f77b4", "kind": "ellipse", "note": ""},
            ),
        ]  # fmt: skip
        for geometry, properties in shapes:
            course_services.create_annotation(
                case_slide=he_slide, author=educator, geometry=geometry, properties=properties
            )
        course_services.replace_tour(
            case_slide=he_slide,
            version=0,
            stops=[
                {"center_x": 3000, "center_y": 2000, "view_width": 6000,
                 "text": "The whole core: note the cellular area in the centre."},
                {"center_x": 2900, "center_y": 1900, "view_width": 1600,
                 "text": "Closer: sheets of cells with little stroma."},
                {"center_x": 3000, "center_y": 2000, "view_width": 400,
                 "text": "High power: enlarged, irregular nuclei."},
            ],
        )  # fmt: skip

        colon_case = course_services.add_case(module=gi, title="Rectal bleeding in a 64-year-old")
        course_services.update_case(
            case=colon_case,
            title=colon_case.title,
            clinical_history="<p>A 64-year-old man with rectal bleeding and a change in bowel "
            "habit. Colonoscopy: a 3 cm lesion at 15 cm. Biopsies.</p>",
            diagnosis="Adenocarcinoma (demo).",
            discussion="<p>This slide has no pixel size, so the ruler is disabled.</p>",
            reveal_allowed=True,
        )
        course_services.add_case_slide(case=colon_case, slide=colon, stain="H&E")

        course_services.enrol(
            course=course, identifiers=["trainee"], role="trainee", added_by=educator
        )
        course_services.enrol(
            course=course, identifiers=["examiner"], role="examiner", added_by=educator
        )
