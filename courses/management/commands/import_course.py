"""python manage.py import_course PATH.tar --owner USERNAME  (progress on stderr)"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from courses.bundles.importer import import_bundle
from courses.bundles.manifest import BundleRefused


class Command(BaseCommand):
    help = "Recreate a course from a bundle, owned by an educator; all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--owner", required=True, help="User name of the importing educator.")

    def handle(self, *args, path: Path, owner: str, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None or not user.is_educator:
            raise CommandError(f"No educator {owner}.")
        try:
            with open(path, "rb") as source:
                course = import_bundle(
                    source, owner=user, size=path.stat().st_size, progress=self._progress
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except BundleRefused as error:
            raise CommandError(f"Refused: {error}") from error
        self.stderr.write("")
        self.stdout.write(f"Imported “{course}” as course {course.uuid}.")

    def _progress(self, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 0
        self.stderr.write(f"\r{percent}% ({done}/{total} bytes)", ending="")
        self.stderr.flush()
