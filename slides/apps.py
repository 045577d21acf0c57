from django.apps import AppConfig


class SlidesConfig(AppConfig):
    name = "slides"
    verbose_name = "Slide library"

    def ready(self) -> None:
        from .tile_tokens import lifetime_cap

        # Every process (gunicorn, workers, manage.py) sets Django up, so a token lifetime
        # beyond the cap stops it at start rather than at the first tile.
        lifetime_cap()
