"""Sync every linked LMS course's roster into its portal course now (NRPS)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from courses.lti import roster


class Command(BaseCommand):
    help = "Fetches the roster of every linked LMS course and adds or removes LMS enrolments."

    def handle(self, *args, **options):
        for context_id in roster.syncable_contexts():
            report = roster.sync_context(context_id)
            if report is not None:
                self.stdout.write(
                    f"LMS course {context_id}: {report.added} added, {report.removed} removed, "
                    f"{report.kept} unchanged."
                )
