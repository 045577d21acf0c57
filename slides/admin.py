"""The slide library's rows an admin may manage: DICOMweb sources (their secret write-only)."""

from __future__ import annotations

from django.contrib import admin

from .dicomweb_import import delete_source
from .models import DicomwebSource
from .pacs_forms import DicomwebSourceForm


@admin.register(DicomwebSource)
class DicomwebSourceAdmin(admin.ModelAdmin):
    form = DicomwebSourceForm
    list_display = ("name", "url", "auth")
    fields = ("name", "url", "auth", "username", "secret", "notify")

    # Deleting goes through the service, which also deletes what the source sent that waits.
    def delete_model(self, request, obj) -> None:
        delete_source(obj)

    def delete_queryset(self, request, queryset) -> None:
        for source in queryset:
            delete_source(source)
