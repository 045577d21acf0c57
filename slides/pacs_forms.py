"""Forms of the PACS pages: a DICOMweb source (its secret write-only), a search, a pick."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from .dicomweb_import import UID_PATTERN
from .models import DicomwebSource


class DicomwebSourceForm(forms.ModelForm):
    """The secret is never rendered back: left empty on an edit, the stored one stays -- unless
    the address, the kind of sign-in or the user name changes, since the stored secret would
    then be sent somewhere its owner never chose (an educator could point the source at their
    own server and read the hospital's password from the request)."""

    url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        label="DICOMweb root",
        help_text="e.g. https://pacs.example.org/dicom-web",
    )
    secret = forms.CharField(
        required=False,
        max_length=2000,
        label="Password or token",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Never shown again. Leave empty to keep the one stored.",
    )

    class Meta:
        model = DicomwebSource
        fields = ["name", "url", "auth", "username", "notify"]
        widgets = {"notify": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only educators review what a PACS sends.
        self.fields["notify"].queryset = get_user_model().objects.educators().order_by("username")

    def clean(self):
        data = super().clean()
        auth = data.get("auth")
        secret = data.get("secret") or ""
        has_stored = bool(self.instance.pk and self.instance.secret)
        if auth == DicomwebSource.Auth.BASIC and not data.get("username", "").strip():
            self.add_error("username", "Basic authentication needs a user name.")
        if auth in (DicomwebSource.Auth.BASIC, DicomwebSource.Auth.BEARER) and not secret:
            if not has_stored:
                self.add_error("secret", "Give the password or token.")
            elif self.instance.pk and self._changes_where_the_secret_goes():
                self.add_error(
                    "secret",
                    "Enter the password or token again: the address or sign-in changed, and "
                    "the stored one is only ever sent where it was first given.",
                )
        return data

    def _changes_where_the_secret_goes(self) -> bool:
        return any(name in self.changed_data for name in ("url", "auth", "username"))

    def save(self, commit: bool = True) -> DicomwebSource:
        source = super().save(commit=False)
        secret = self.cleaned_data.get("secret") or ""
        if source.auth == DicomwebSource.Auth.NONE:
            source.secret = ""
            source.username = ""
        elif secret:
            source.secret = secret
        if commit:
            source.save()
        return source


class PacsSearchForm(forms.Form):
    source = forms.ModelChoiceField(queryset=DicomwebSource.objects.all(), empty_label=None)
    accession_number = forms.CharField(max_length=64, required=False)
    date_from = forms.DateField(
        required=False, label="Study date from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    body_part = forms.CharField(max_length=64, required=False, label="Body part")
    study = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def clean_study(self) -> str:
        study = self.cleaned_data["study"].strip()
        if study and not UID_PATTERN.match(study):
            raise forms.ValidationError("That is not a study UID.")
        return study

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The range ends before it starts.")
        return data


class PacsImportForm(forms.Form):
    source = forms.ModelChoiceField(queryset=DicomwebSource.objects.all())
    study_uid = forms.CharField(max_length=64)
    series_uid = forms.CharField(max_length=64)
    title = forms.CharField(
        max_length=200, help_text="The slide's title in the library (never taken from the PACS)."
    )

    def clean(self):
        data = super().clean()
        for field in ("study_uid", "series_uid"):
            if data.get(field) and not UID_PATTERN.match(data[field]):
                self.add_error(field, "That is not a DICOM UID.")
        return data
