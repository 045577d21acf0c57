"""The shipped nginx configuration (deploy/nginx/portal.conf), filled in for one deployment.

The template names the places that differ between deployments as `{{NAME}}`; everything about
tokens comes from this portal's own settings, so nginx and Python refuse and accept the same
tokens. The signing key goes into a separate file the configuration includes, so the
configuration itself holds no secret and can be shown, diffed and kept in version control.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import tile_tokens

DEPLOY_DIR = Path(settings.BASE_DIR) / "deploy" / "nginx"
TEMPLATE = DEPLOY_DIR / "portal.conf"
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


@dataclass(frozen=True)
class Site:
    listen: str  # nginx `listen` argument: "80", "127.0.0.1:8080", "443 ssl"...
    upstream: str  # gunicorn's address: "127.0.0.1:8000" or "unix:/run/portal.sock"
    key_file: Path  # where the signing key include lives
    server_name: str = "_"


def render(site: Site, template: str | None = None) -> str:
    """The configuration text for `site`; refuses a template with names it does not know."""
    values = {
        "LISTEN": site.listen,
        "SERVER_NAME": site.server_name,
        "UPSTREAM": site.upstream,
        "KEY_FILE": str(site.key_file),
        "PYRAMID_DIR": str(Path(settings.SLIDES["PYRAMID_DIR"]).resolve()),
        "ALIAS_LINK_DIR": str(Path(settings.SLIDES["ALIAS_LINK_DIR"]).resolve()),
        "TILE_HSTS": hsts_directive(),
    }
    text = TEMPLATE.read_text() if template is None else template

    def fill(match: re.Match) -> str:
        if match[1] not in values:
            raise KeyError(f"unknown placeholder {match[0]} in the nginx template")
        return values[match[1]]

    return PLACEHOLDER.sub(fill, text)


def hsts_directive() -> str:
    """The HSTS header Django's SecurityMiddleware sends, for the tiles nginx sends itself (an
    HTTPS deployment, DJANGO_HTTPS=1); a comment when the portal sends none."""
    seconds = getattr(settings, "SECURE_HSTS_SECONDS", 0)
    if not seconds:
        return "# No Strict-Transport-Security: the portal sends none (DJANGO_HTTPS is off)."
    value = f"max-age={seconds}"
    if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
        value += "; includeSubDomains"
    if getattr(settings, "SECURE_HSTS_PRELOAD", False):
        value += "; preload"
    return f'add_header Strict-Transport-Security "{value}";'


def key_include() -> str:
    """The text of the file `render`'s configuration includes for the signing key."""
    return (
        "# Tile token signing key, derived from the portal's SECRET_KEY. Keep it private.\n"
        f'set $tile_token_key "{tile_tokens.signing_key().hex()}";\n'
    )


def write_key_file(path: Path) -> None:
    """Write `key_include()` to `path`, readable by its owner (and group) only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key_include())
    os.chmod(path, 0o640)


MAIN = """\
# One unprivileged nginx with everything under {prefix} (tests, benchmark).
daemon off;
master_process on;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/tmp/client;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {site};
}}
"""


def write_main(
    prefix: Path, site_text: str, *, workers: int | str = "auto", user: str = ""
) -> Path:
    """Write `site_text` (http-context configuration) and a main nginx.conf that includes it,
    under `prefix`; returns the main file, for `nginx -c <it> -p <prefix>`. `user` is an nginx
    `user` directive, needed only when started as root."""
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    site_file = prefix / "site.conf"
    site_file.write_text(site_text)
    main = prefix / "nginx.conf"
    main.write_text(MAIN.format(workers=workers, prefix=prefix, user=user, site=site_file))
    return main


def write_standalone(
    prefix: Path, site: Site, *, workers: int | str = "auto", user: str = ""
) -> Path:
    """The shipped configuration for `site` (and its key file) as one unprivileged nginx under
    `prefix`; returns the main file."""
    write_key_file(site.key_file)
    return write_main(prefix, render(site), workers=workers, user=user)
