"""Publish a new LTI signing key and retire old ones (run it, say, monthly from cron)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from courses.lti import keys


class Command(BaseCommand):
    help = (
        "Publishes a new signing key in the tool's JWKS (it signs once it has been published for "
        "LTI_KEY_PUBLISH_SECONDS) and retires keys older than --retire-after-days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--retire-after-days", type=int, default=90)

    def handle(self, *args, retire_after_days: int, **options):
        new_key, retired = keys.rotate(retire_older_than=timedelta(days=retire_after_days))
        self.stdout.write(f"Published key {new_key}; retired {retired} old key(s).")
        self.stdout.write(f"Signing now with {keys.signing_key()}.")
