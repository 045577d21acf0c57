"""python manage.py import_curriculum PATH.csv --title T [--version V]"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courses.curricula import import_curriculum
from courses.curriculum_csv import CurriculumCsvError


class Command(BaseCommand):
    help = "Import a curriculum (CSV columns code, parent_code, title): all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", help="Defaults to the file's name.")
        parser.add_argument("--curriculum-version", dest="curriculum_version", default="")

    def handle(self, *args, path: Path, title: str | None, curriculum_version: str, **options):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            curriculum = import_curriculum(
                title=title or path.stem, version=curriculum_version, data=data
            )
        except CurriculumCsvError as error:
            raise CommandError("\n".join(error.problems)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        count = curriculum.outcomes.count()
        self.stdout.write(f"Imported “{curriculum}” with {count} outcomes (id {curriculum.id}).")
