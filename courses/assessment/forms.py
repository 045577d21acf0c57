"""Forms for educators writing quizzes and questions."""

from __future__ import annotations

from django import forms

from portal import json_limits

from ..forms import markdown_area
from ..models import CaseSlide, Question, Quiz


class QuizForm(forms.Form):
    title = forms.CharField(max_length=200)
    instructions = forms.CharField(required=False, widget=markdown_area(3))
    kind = forms.ChoiceField(choices=Quiz.Kind.choices)
    opens_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_limit_minutes = forms.IntegerField(required=False, min_value=1, max_value=24 * 60)
    attempts_allowed = forms.IntegerField(min_value=1, max_value=50, initial=1)
    shuffle_questions = forms.BooleanField(required=False)
    feedback_policy = forms.ChoiceField(choices=Quiz.Feedback.choices)
    blind_marking = forms.BooleanField(required=False)
    double_marking = forms.BooleanField(required=False, label="Double marking with moderation")
    mark_combination = forms.ChoiceField(
        choices=Quiz.Combination.choices,
        initial=Quiz.Combination.MEAN,
        label="Two agreeing marks count as",
    )
    published = forms.BooleanField(required=False, label="Visible to trainees")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The quiz must close after it opens.")
        return data


class ExaminersForm(forms.Form):
    examiners = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["examiners"].queryset = candidates


class AccommodationsForm(forms.Form):
    """Extra minutes and extra attempts for each trainee of a course, two fields a trainee."""

    def __init__(self, *args, trainees, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainees = list(trainees)
        for trainee in self.trainees:
            found = current.get(trainee.pk)
            self.fields[f"minutes_{trainee.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=24 * 60,
                required=False,
                initial=found.extra_minutes if found else 0,
                label=f"Extra minutes for {trainee.display_name}",
            )
            self.fields[f"attempts_{trainee.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=50,
                required=False,
                initial=found.extra_attempts if found else 0,
                label=f"Extra attempts for {trainee.display_name}",
            )

    def rows(self):
        """(trainee, minutes field, attempts field) for the template."""
        return [(t, self[f"minutes_{t.pk}"], self[f"attempts_{t.pk}"]) for t in self.trainees]

    def changes(self) -> dict[int, tuple[int, int]]:
        """trainee id → (extra minutes, extra attempts); an empty box counts as 0."""
        data = self.cleaned_data
        return {
            t.pk: (data.get(f"minutes_{t.pk}") or 0, data.get(f"attempts_{t.pk}") or 0)
            for t in self.trainees
        }


def parse_options(text: str) -> list[dict]:
    """One option per line; '*' in front marks a correct one; '||' separates its feedback."""
    options = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        correct = line.startswith("*")
        body = line.lstrip("*").strip()
        option_text, _, feedback = body.partition("||")
        options.append({"text": option_text.strip(), "correct": correct, "feedback": feedback})
    return options


def format_options(choices) -> str:
    """The options as `parse_options` reads them, to edit them in the same box."""
    lines = []
    for choice in choices:
        line = f"* {choice.text}" if choice.is_correct else choice.text
        lines.append(f"{line} || {choice.feedback}" if choice.feedback else line)
    return "\n".join(lines)


class QuestionForm(forms.Form):
    prompt = forms.CharField(widget=markdown_area(3))
    points = forms.FloatField(min_value=0.1, initial=1)
    agreement_percent = forms.FloatField(required=False, min_value=0, max_value=100, initial=20)
    case_slide = forms.ModelChoiceField(
        queryset=CaseSlide.objects.none(), required=False, to_field_name="uuid"
    )
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One option per line. Start the correct one(s) with *. "
        "Add feedback after || (e.g. '* Adenocarcinoma || Yes: glands invade the wall'). "
        "Options and feedback may use Markdown on their line (**bold**, *italic*, [link](https://…)).",
    )
    reference_geometry = forms.CharField(required=False, widget=forms.HiddenInput)
    value = forms.FloatField(required=False, help_text="Numeric answer, or the length in µm.")
    tolerance = forms.FloatField(required=False, min_value=0, initial=0)
    full_at = forms.FloatField(required=False, min_value=0, max_value=1, initial=0.8)
    zero_at = forms.FloatField(required=False, min_value=0, max_value=1, initial=0.3)
    model_answer = forms.CharField(required=False, widget=markdown_area(2))
    start_center_x = forms.FloatField(required=False, widget=forms.HiddenInput)
    start_center_y = forms.FloatField(required=False, widget=forms.HiddenInput)
    start_view_width = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, question_type: str, case_slides, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        self.fields["case_slide"].queryset = case_slides
        spatial = question_type in Question.SPATIAL
        self.fields["case_slide"].required = spatial

    def clean_reference_geometry(self):
        raw = self.cleaned_data["reference_geometry"]
        if not raw:
            return None
        try:
            return json_limits.loads(raw)
        except json_limits.JSONLimitExceeded as error:
            message = f"The drawn reference could not be read: {error}"
            raise forms.ValidationError(message) from error
        except ValueError as error:  # not JSON
            raise forms.ValidationError("The drawn reference could not be read.") from error

    def clean(self):
        data = super().clean()
        kind = self.question_type
        if kind in Question.SPATIAL and not data.get("reference_geometry"):
            self.add_error(None, "Draw the reference on the slide.")
        if kind == Question.Type.NUMERIC and data.get("value") is None:
            self.add_error("value", "Give the correct number.")
        if kind in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            data["parsed_options"] = parse_options(data.get("options", ""))
        full_at, zero_at = data.get("full_at"), data.get("zero_at")
        if kind == Question.Type.OUTLINE and full_at is not None and zero_at is not None:
            if zero_at >= full_at:
                self.add_error("zero_at", "Zero marks must be below the full-marks threshold.")
        return data

    def reference(self) -> dict:
        data = self.cleaned_data
        reference = {
            "tolerance": data.get("tolerance") or 0,
            "model_answer": data.get("model_answer", ""),
        }
        if data.get("value") is not None:
            reference["value"] = data["value"]
        if self.question_type == Question.Type.OUTLINE:
            reference["full_at"] = data.get("full_at") if data.get("full_at") is not None else 0.8
            reference["zero_at"] = data.get("zero_at") if data.get("zero_at") is not None else 0.3
        if self.question_type in Question.SPATIAL:
            reference["geometry"] = data.get("reference_geometry")
        return reference

    def agreement_tolerance(self) -> float:
        """The share of the marks two blind marks may differ by (double marking)."""
        percent = self.cleaned_data.get("agreement_percent")
        return 0.2 if percent is None else percent / 100

    def start_view(self):
        data = self.cleaned_data
        values = (
            data.get("start_center_x"),
            data.get("start_center_y"),
            data.get("start_view_width"),
        )
        return values if all(v is not None for v in values) else None
