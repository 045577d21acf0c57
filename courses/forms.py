from __future__ import annotations

from django import forms

from slides.models import Slide

from .markdown_text import MAX_SOURCE_CHARS
from .models import Course, EnrolmentRole


def markdown_area(rows: int) -> forms.Textarea:
    """A textarea for Markdown: courses/markdown-preview.js puts the hint and a Preview by it."""
    return forms.Textarea(attrs={"rows": rows, "data-markdown": ""})


class CourseForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=markdown_area(4))


class CourseSettingsForm(CourseForm):
    status = forms.ChoiceField(choices=Course.Status.choices)
    cover_slide = forms.ModelChoiceField(
        queryset=Slide.objects.usable_in_courses(), required=False, to_field_name="uuid"
    )

    def __init__(self, *args, current_cover=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_cover is not None:  # a retired cover stays where it is already used
            offered = Slide.objects.usable_in_courses() | Slide.objects.filter(pk=current_cover.pk)
            self.fields["cover_slide"].queryset = offered


class TitleForm(forms.Form):
    title = forms.CharField(max_length=200)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class OrderForm(forms.Form):
    """A complete new order, as a comma-separated list of UUIDs (drag and drop)."""

    order = forms.CharField()

    def clean_order(self) -> list[str]:
        return [item.strip() for item in self.cleaned_data["order"].split(",") if item.strip()]


class CaseForm(forms.Form):
    title = forms.CharField(max_length=200)
    clinical_history = forms.CharField(required=False, widget=markdown_area(8))
    diagnosis = forms.CharField(required=False, widget=markdown_area(2))
    discussion = forms.CharField(required=False, widget=markdown_area(6))
    reveal_allowed = forms.BooleanField(
        required=False,
        label="Trainees may reveal the diagnosis",
        help_text="Turn off while an exam on this case is open.",
    )


class CaseSlideForm(forms.Form):
    slide = forms.ModelChoiceField(
        queryset=Slide.objects.usable_in_courses(), to_field_name="uuid", empty_label=None
    )
    stain = forms.CharField(max_length=100, initial="H&E")


class StainForm(forms.Form):
    stain = forms.CharField(max_length=100)


class EnrolForm(forms.Form):
    identifiers = forms.CharField(
        label="Usernames or e-mail addresses",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, or separated by commas.",
    )
    role = forms.ChoiceField(choices=EnrolmentRole.choices, initial=EnrolmentRole.TRAINEE)

    def clean_identifiers(self) -> list[str]:
        raw = self.cleaned_data["identifiers"].replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in raw.splitlines() if line.strip()]


class EnrolCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A column 'username' or 'email', and optionally 'role' "
        "(trainee, educator, examiner, supervisor).",
    )


class JoinForm(forms.Form):
    code = forms.CharField(max_length=12, label="Join code")


class MarkdownPreviewForm(forms.Form):
    text = forms.CharField(required=False, strip=False, max_length=MAX_SOURCE_CHARS)
