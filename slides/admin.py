"""The slide library's rows an admin may manage: DICOMweb sources (their secret write-only)."""

from __future__ import annotations

from django.contrib import admin

from .models import DicomwebSource
from .pacs_forms import DicomwebSourceForm


@admin.register(DicomwebSource)
class DicomwebSourceAdmin(admin.ModelAdmin):
    form = DicomwebSourceForm
    list_display = ("name", "url", "auth")
    fields = ("name", "url", "auth", "username", "secret", "notify")
