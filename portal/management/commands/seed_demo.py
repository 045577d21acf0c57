"""`python manage.py seed_demo`: demo accounts and a few processed demo slides. Idempotent."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import DEMO_ACCOUNTS
from portal.models import User
from slides import pipeline, services
from slides.models import Slide

DEMO_SLIDES = [
    # (title, organ, stain, approve?)
    ("Demo: colon biopsy", "Colon", "H&E", True),
    ("Demo: lymph node", "Lymph node", "H&E", True),
    ("Demo: skin excision (awaiting review)", "Skin", "H&E", False),
]


class Command(BaseCommand):
    help = "Create the demo accounts and process the demo slides (safe to run again)."

    def handle(self, *args, **options):
        accounts = self._accounts()
        self._slides(accounts["educator"])
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

        wanted = [spec for spec in DEMO_SLIDES if not Slide.objects.filter(title=spec[0]).exists()]
        if not wanted:
            return
        with tempfile.TemporaryDirectory() as scratch:
            files = make_demo_set(Path(scratch))
            for (title, organ, stain, approve), path in zip(DEMO_SLIDES, files, strict=False):
                if (title, organ, stain, approve) not in wanted:
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
