"""Write this deployment's nginx configuration (deploy/nginx/portal.conf filled in) and the
signing key file it includes."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from slides import nginx_config


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="80", help='nginx listen, e.g. "443 ssl"')
        parser.add_argument("--server-name", default="_")
        parser.add_argument("--upstream", default="127.0.0.1:8000", help="gunicorn's address")
        parser.add_argument(
            "--key-file",
            type=Path,
            required=True,
            help="where to write the signing key include (readable by nginx's user only)",
        )
        parser.add_argument("--output", default="-", help="configuration file; - for stdout")

    def handle(self, *args, listen, server_name, upstream, key_file, output, **options):
        site = nginx_config.Site(
            listen=listen,
            upstream=upstream,
            key_file=key_file.resolve(),
            server_name=server_name,
        )
        text = nginx_config.render(site)
        nginx_config.write_key_file(site.key_file)
        if output == "-":
            sys.stdout.write(text)
        else:
            Path(output).write_text(text)
            self.stderr.write(f"wrote {output} and {site.key_file}")
