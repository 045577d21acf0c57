"""Forms of the curriculum pages: uploading a curriculum, picking outcomes."""

from __future__ import annotations

from django import forms

from .models import Outcome


class CurriculumUploadForm(forms.Form):
    title = forms.CharField(max_length=200)
    version = forms.CharField(max_length=50, required=False)
    file = forms.FileField(
        label="CSV file",
        help_text="Columns code, parent_code, title; a parent on an earlier line than its child.",
    )


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Outcome) -> str:
        return f"{obj.code} {obj.title}"


def outcome_field(curriculum) -> OutcomeChoiceField:
    """Checkboxes for a curriculum's outcomes (none when the course follows no curriculum)."""
    queryset = (
        curriculum.outcomes.select_related("parent") if curriculum else Outcome.objects.none()
    )
    return OutcomeChoiceField(
        queryset=queryset,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Curriculum outcomes",
    )
