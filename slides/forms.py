from __future__ import annotations

from django import forms

from . import search
from .models import Slide


def split_tags(raw: str) -> list[str]:
    return [tag.strip() for tag in raw.split(",") if tag.strip()]


class SlideUploadForm(forms.Form):
    file = forms.FileField(
        help_text="SVS, NDPI, SCN, BIF, tiled TIFF, a DICOM folder (zip) or MRXS (zip)."
    )
    title = forms.CharField(max_length=200)
    organ = forms.CharField(max_length=100, required=False)
    stain = forms.CharField(max_length=100, required=False, initial="H&E")
    tags = forms.CharField(max_length=500, required=False, help_text="Comma separated.")

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class LibraryFilterForm(forms.Form):
    q = forms.CharField(
        required=False, label="Search", max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "e.g. breast H&E"}),
        help_text="Words from the title, organ, stain, tags or description; typos are forgiven.",
    )  # fmt: skip
    organ = forms.CharField(required=False)
    stain = forms.CharField(required=False)
    tag = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Slide.Status.choices])
    retired = forms.BooleanField(required=False, label="Show retired")

    def filter(self, slides):
        if not self.is_valid():
            return slides.in_library_view(show_retired=False)
        data = self.cleaned_data
        slides = slides.in_library_view(show_retired=data["retired"])
        if data["organ"]:
            slides = slides.filter(organ__iexact=data["organ"])
        if data["stain"]:
            slides = slides.filter(stain__iexact=data["stain"])
        if data["tag"]:
            slides = slides.filter(tags__name__iexact=data["tag"].strip().lower())
        if data["status"]:
            slides = slides.filter(status=data["status"])
        return search.search(slides, data["q"])  # tag names are unique: no duplicate rows


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Ids of the slide's pending specimen texts (from a PACS) to keep as its description.
    keep_texts = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, pending_text_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep_texts"].choices = [(pk, pk) for pk in pending_text_ids]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", "Say what you saw (e.g. a label or handwriting in the tissue).")
        return data


class SlideEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    organ = forms.CharField(max_length=100, required=False)
    stain = forms.CharField(max_length=100, required=False)
    tags = forms.CharField(max_length=500, required=False, help_text="Comma separated.")

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the slide a title.")
        return title

    def clean_tags(self) -> list[str]:
        tags = split_tags(self.cleaned_data["tags"])
        too_long = [tag for tag in tags if len(tag) > 64]
        if too_long:
            raise forms.ValidationError(f"Tags are at most 64 characters: {too_long[0][:20]}…")
        return tags


class BulkTagForm(forms.Form):
    slides = forms.ModelMultipleChoiceField(queryset=Slide.objects.none(), to_field_name="uuid")
    tag = forms.CharField(max_length=64)
    action = forms.ChoiceField(choices=[("add", "Add tag"), ("remove", "Remove tag")])

    def __init__(self, *args, slides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slides"].queryset = slides
