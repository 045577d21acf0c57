"""python manage.py export_course COURSE_UUID PATH.tar  (progress on stderr)"""

from __future__ import annotations

import os
import secrets
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.bundles.export import ExportFailed, write_bundle
from courses.models import Course


class Command(BaseCommand):
    help = "Write a course as a bundle (see README, Course bundles): no trainee data, no accounts."

    def add_arguments(self, parser):
        parser.add_argument("course_uuid")
        parser.add_argument("path", type=Path)

    def handle(self, *args, course_uuid: str, path: Path, **options):
        course = Course.objects.filter(uuid=course_uuid).first() if _is_uuid(course_uuid) else None
        if course is None:
            raise CommandError(f"No course {course_uuid}.")
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            with open(temporary, "wb") as target:
                size = write_bundle(course, target, progress=self._progress)
            os.replace(temporary, path)
        except ExportFailed as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        finally:
            temporary.unlink(missing_ok=True)
        self.stderr.write("")
        self.stdout.write(f"Exported “{course}” to {path} ({size} bytes).")

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\rtiles {done}/{total}", ending="")
        self.stderr.flush()


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
