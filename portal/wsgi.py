import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_wsgi_application()

from slides.tile_wsgi import BuiltTileFastLane  # noqa: E402 - needs Django set up first

application = BuiltTileFastLane(django_application)
