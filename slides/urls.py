from django.urls import path, register_converter

from . import manage_views, pacs_views, stow_views, tile_views, views


class IIIFSegmentConverter:
    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter:
    regex = r"[0-9]{1,12}-[A-Za-z0-9_-]{22}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IIIFSegmentConverter, "iiifseg")
register_converter(TokenConverter, "token")

app_name = "slides"
urlpatterns = [
    path("", views.library, name="library"),
    path("upload/", views.upload, name="upload"),
    path("pacs/", pacs_views.search, name="pacs"),
    path("pacs/import/", pacs_views.start_import, name="pacs-start-import"),
    path("pacs/imports/<uuid:import_uuid>/", pacs_views.import_detail, name="pacs-import"),
    path(
        "pacs/imports/<uuid:import_uuid>/progress/",
        pacs_views.import_progress,
        name="pacs-import-progress",
    ),
    path("pacs/sources/", pacs_views.sources, name="pacs-sources"),
    path("pacs/sources/new/", pacs_views.source_form, name="pacs-source-new"),
    path("pacs/sources/<uuid:source_uuid>/", pacs_views.source_form, name="pacs-source-edit"),
    path(
        "pacs/sources/<uuid:source_uuid>/push-token/",
        pacs_views.push_token,
        name="pacs-source-push-token",
    ),
    path("stow/<uuid:source_uuid>/studies", stow_views.stow, name="stow"),
    path("<uuid:slide_uuid>/", views.detail, name="detail"),
    path("<uuid:slide_uuid>/progress/", views.progress, name="progress"),
    path("<uuid:slide_uuid>/status/", manage_views.status, name="status"),
    path("<uuid:slide_uuid>/edit/", manage_views.edit, name="edit"),
    path("<uuid:slide_uuid>/retire/", manage_views.retire, name="retire"),
    path("<uuid:slide_uuid>/delete/", manage_views.delete, name="delete"),
    path("tags/", manage_views.bulk_tag, name="bulk-tag"),
    path("<uuid:slide_uuid>/view/", views.viewer, name="viewer"),
    path("<uuid:slide_uuid>/review/", views.review, name="review"),
    path("<uuid:slide_uuid>/thumbnail.jpeg", views.thumbnail, name="thumbnail"),
    path("tiles/<token:token>/<uuid:slide_uuid>.dzi", tile_views.dzi, name="dzi"),
    path(
        "tiles/<token:token>/<uuid:slide_uuid>_files/<int:level>/<int:col>_<int:row>.jpeg",
        tile_views.deepzoom_tile,
        name="tile",
    ),
    path("iiif/<token:token>/<uuid:slide_uuid>", tile_views.iiif_base, name="iiif-base"),
    path(
        "iiif/<token:token>/<uuid:slide_uuid>/info.json",
        tile_views.iiif_info,
        name="iiif-info",
    ),
    path(
        "iiif/<token:token>/<uuid:slide_uuid>/<iiifseg:region>/<iiifseg:size>/"
        "<iiifseg:rotation>/<iiifseg:quality>.<iiifseg:fmt>",
        tile_views.iiif_image,
        name="iiif-image",
    ),
]
