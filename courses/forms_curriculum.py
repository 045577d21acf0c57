"""Forms of the curriculum pages: uploading a curriculum, picking outcomes."""

from __future__ import annotations

from django import forms

from .models import Curriculum, Outcome


class CurriculumUploadForm(forms.Form):
    title = forms.CharField(max_length=200)
    version = forms.CharField(max_length=50, required=False)
    file = forms.FileField(
        label="CSV file",
        help_text="Columns code, parent_code, title; a parent on an earlier line than its child.",
    )


class CourseCurriculumForm(forms.Form):
    """Part of the course settings: the curriculum it follows and its CPD hours."""

    prefix = "cpd"
    curriculum = forms.ModelChoiceField(
        queryset=Curriculum.objects.all(),
        required=False,
        help_text="Cases and questions are tagged with its outcomes; changing it removes "
        "tags from the previous one.",
    )
    cpd_hours = forms.DecimalField(
        label="CPD hours",
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=1,
        help_text="Printed on the certificate a trainee gets for completing every case.",
    )


class OutcomesForm(forms.Form):
    """Checkboxes for the outcomes of a course's curriculum, grouped under their parents.

    Rendered inside another form (case or question), so it has a prefix of its own."""

    outcomes = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, curriculum, selected=(), **kwargs):
        kwargs.setdefault("prefix", "tags")
        super().__init__(*args, initial={"outcomes": [o.id for o in selected]}, **kwargs)
        self.curriculum = curriculum
        self.all_outcomes = list(curriculum.outcomes.all()) if curriculum else []
        self.fields["outcomes"].choices = [(o.id, str(o)) for o in self.all_outcomes]

    def chosen(self) -> list[Outcome]:
        ids = set(self.cleaned_data["outcomes"])
        return [outcome for outcome in self.all_outcomes if outcome.id in ids]

    def groups(self) -> list[tuple[str, list[tuple[Outcome, bool]]]]:
        """[(parent heading, [(outcome, checked), ...]), ...] in curriculum order."""
        if self.is_bound:
            checked = set(self.data.getlist(self.add_prefix("outcomes")))
        else:
            checked = {str(pk) for pk in self.initial["outcomes"]}
        by_id = {outcome.id: outcome for outcome in self.all_outcomes}
        grouped: dict[int | None, list[tuple[Outcome, bool]]] = {}
        for outcome in self.all_outcomes:
            grouped.setdefault(outcome.parent_id, []).append((outcome, str(outcome.id) in checked))
        return [
            ("Headings" if parent is None else str(by_id[parent]), items)
            for parent, items in grouped.items()
        ]
