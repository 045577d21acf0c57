"""`python manage.py seed_demo`: demo accounts, processed demo slides and a demo course.

Safe to run again: what exists already is left as it is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from fixtures import demo, demo_curriculum, demo_marking
from portal.demo import DEMO_ACCOUNTS
from portal.models import User
from slides import pipeline, services
from slides.models import Slide

# (title, organ, stain, approve?) in the order fixtures.synthetic.make_demo_set writes them.
DEMO_SLIDES = [
    ("Demo: breast core biopsy (H&E)", "Breast", "H&E", True),
    ("Demo: breast core biopsy (IHC)", "Breast", "IHC", True),
    ("Demo: colon biopsy", "Colon", "H&E", True),
    ("Demo: skin excision (awaiting review)", "Skin", "H&E", False),
    ("Demo: breast core biopsy, second patient (H&E)", "Breast", "H&E", True),
]


class Command(BaseCommand):
    help = "Create the demo accounts, slides and course (safe to run again)."

    def handle(self, *args, **options):
        accounts = self._accounts()
        self._slides(accounts["educator"])
        with transaction.atomic():
            course = demo.seed_course(
                accounts, [Slide.objects.get(title=t[0]) for t in DEMO_SLIDES[:3]]
            )
            demo.seed_quizzes(
                course, accounts, exam_slide=Slide.objects.get(title=DEMO_SLIDES[4][0])
            )
            demo.seed_exam_submissions(course, accounts)
            demo_marking.seed_first_marks(course, accounts)
            demo_curriculum.seed_curriculum(course)
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
                with transaction.atomic():
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
