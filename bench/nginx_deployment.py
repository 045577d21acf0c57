"""(f) Tiles in the nginx deployment: nginx static, the shipped nginx configuration, gunicorn.

The same warm full-resolution tiles, in one interleaved series of runs (so a busy stretch of the
shared machine does not land on one server only):
- *static, nginx*: the pyramid folder as static files, no token check (`servers.Nginx`), the
  ceiling;
- *shipped config, nginx*: deploy/nginx/portal.conf in front of the portal's gunicorn; nginx's
  secure_link checks each token, nginx sends the file (`servers.PortalNginx`);
- *exam alias, shipped config*: the same, under an exam alias (`SlideAlias`), found through the
  alias link Django makes on the alias's first tile;
- *gunicorn alone*: the portal's gunicorn with its WSGI fast lane (`servers.Portal`).

`make bench` runs it as one step of `bench.run`; `python -m bench.nginx_only` runs only this
step on a freshly built slide of its own and prints the section for bench/RESULTS.md.
"""

from __future__ import annotations

from pathlib import Path

from . import report, servers

KINDS = (
    ("static", "nginx"),
    ("shipped config", "nginx"),
    ("exam alias", "nginx, shipped config"),
    ("warm", "gunicorn alone"),
)


def alias_urls(record, url_list: list[str]) -> list[str]:
    """`url_list` under a new exam alias of `record`, with the alias's own token."""
    from slides.models import SlideAlias
    from slides.tile_tokens import make_token

    alias = str(SlideAlias.objects.create(slide=record, scope="bench:exam").alias)
    token = make_token(alias)
    # /slides/tiles/<token>/<uuid>_files/<level>/<col>_<row>.jpeg
    return [f"/slides/tiles/{token}/{alias}_files/{url.split('_files/', 1)[1]}" for url in url_list]


def measure(bench, record, url_list: list[str], check_tile) -> None:
    """Record every run under `bench.results["nginx_deployment"]`."""
    from django.conf import settings

    config = bench.config
    exam_urls = alias_urls(record, url_list)
    sample = next(u for u in url_list if "/0_0." not in u)
    exam_sample = exam_urls[url_list.index(sample)]
    with (
        servers.Portal(bench.deployment) as portal,
        servers.PortalNginx(portal.port) as shipped,
        servers.Nginx(Path(settings.SLIDES["PYRAMID_DIR"])) as static,
    ):
        body = check_tile(portal.port, sample)
        for port, path in (
            (shipped.port, sample),
            (static.port, sample),
            (shipped.port, exam_sample),
        ):
            if check_tile(port, path) != body:
                raise RuntimeError(f"port {port} serves other bytes for {path}")
        targets = {
            KINDS[0]: (static.port, url_list),
            KINDS[1]: (shipped.port, url_list),
            KINDS[2]: (shipped.port, exam_urls),
            KINDS[3]: (portal.port, url_list),
        }
        for connections in config.connections:
            for port, urls in targets.values():
                bench.warm_up(port, urls, connections)
            for rep in range(config.reps):
                for (kind, server), (port, urls) in targets.items():
                    key = report.load_key(kind, server, connections)
                    bench.log_step(f"(f) {key}, repetition {rep + 1}/{config.reps}")
                    result, cpu = bench.measured(
                        lambda p=port, u=urls, c=connections, k=key: bench.wrk_random(k, p, u, c)
                    )
                    bench.record_load(key, result, cpu, section="nginx_deployment")
