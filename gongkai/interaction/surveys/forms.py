"""Forms of surveys: the public answer form built from the questions, and the staff forms.

The forms check what a browser can get wrong (a required question left empty, a choice that is
not the question's, a rating outside the scale) with messages beside each question; the
services check the same again, since they are the last word on what is stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.interaction.surveys.models import (
    RATING_HIGHEST,
    RATING_LOWEST,
    TEXT_ANSWER_MAX_LENGTH,
    Question,
    Survey,
)
from gongkai.interaction.surveys.services import (
    AnswerValue,
    QuestionSpec,
    answer_control_fixed_message,
)

Kind = Question.Kind
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class ServiceErrorsMixin:
    """Show a service's refusal beside the field it names, else above the form."""

    def add_service_error(self, error: Exception) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        field = getattr(error, "field", None)
        message = getattr(error, "message", None) or str(error)
        if field in form.fields and field not in form.errors:
            form.add_error(field, message)
        else:
            form.add_error(None, message)


# --- the public answer form ------------------------------------------------------------------


def _rating_choices(question: Question) -> list[tuple[str, str]]:
    choices = []
    for value in question.scale():
        label = str(value)
        if value == question.scale_min and question.min_label:
            label = f"{value} {question.min_label}"
        elif value == question.scale_max and question.max_label:
            label = f"{value} {question.max_label}"
        choices.append((str(value), label))
    return choices


class ResponseForm(ServiceErrorsMixin, forms.Form):
    """One field a question, named ``q<question id>``, in the survey's order."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = self._field(question)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        label = f"{question.position}. {question.text}"
        common: dict[str, Any] = {
            "label": label,
            "required": question.required,
            "help_text": question.help_text,
        }
        required_message = _("Answer this question.")
        if question.kind in Question.CHOICE_KINDS:
            choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
            messages = {
                "required": required_message,
                "invalid_choice": _("Choose from the choices given."),
                "invalid_list": _("Choose from the choices given."),
            }
            if question.kind == Kind.SINGLE:
                return forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect, error_messages=messages, **common
                )
            return forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages=messages,
                **common,
            )
        if question.kind == Kind.RATING:
            return forms.ChoiceField(
                choices=_rating_choices(question),
                widget=forms.RadioSelect(attrs={"class": "rating-scale"}),
                error_messages={
                    "required": required_message,
                    "invalid_choice": _("Give a rating from %(low)d to %(high)d.")
                    % {"low": question.scale_min, "high": question.scale_max},
                },
                **common,
            )
        return forms.CharField(
            max_length=TEXT_ANSWER_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={"required": required_message},
            **common,
        )

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> dict[int, AnswerValue]:
        """The cleaned answers by question id, for ``services.submit_response``."""
        result: dict[int, AnswerValue] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if value in (None, "", []):
                continue
            if question.kind == Kind.SINGLE:
                result[question.pk] = AnswerValue(choice_ids=(int(value),))
            elif question.kind == Kind.MULTIPLE:
                result[question.pk] = AnswerValue(choice_ids=tuple(int(v) for v in value))
            elif question.kind == Kind.RATING:
                result[question.pk] = AnswerValue(rating=int(value))
            else:
                result[question.pk] = AnswerValue(text=str(value))
        return result


# --- the staff forms -------------------------------------------------------------------------


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_INPUT)


class SurveyForm(ServiceErrorsMixin, forms.Form):
    """A survey's title, introduction, times (Beijing time), results setting and who may answer
    (shown but not editable once the survey is published)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Shown above the questions: why the survey is held, by whom."),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at"),
        widget=_DateTimeInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=gettext_lazy("Beijing time."),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        widget=_DateTimeInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=gettext_lazy("Beijing time. No answers are taken from this moment on."),
    )
    results_shown = forms.ChoiceField(
        label=gettext_lazy("Results shown to the public"),
        choices=Survey.ResultsShown.choices,
        initial=Survey.ResultsShown.AFTER_CLOSING,
        widget=forms.RadioSelect,
    )
    answer_control = forms.ChoiceField(
        label=gettext_lazy("Who may answer"),
        choices=Survey.AnswerControl.choices,
        initial=Survey.AnswerControl.BROWSER,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Signed-in citizens only: visitors without a citizen account see the questions and "
            "are asked to sign in. This can only be changed while the survey is a draft."
        ),
    )

    @classmethod
    def for_survey(cls, survey: Survey, data: Any = None) -> SurveyForm:
        initial = {
            "title": survey.title,
            "introduction": survey.introduction,
            "opens_at": survey.opens_at,
            "closes_at": survey.closes_at,
            "results_shown": survey.results_shown,
            "answer_control": survey.answer_control,
        }
        form = cls(data, initial=initial)
        if survey.state != Survey.State.DRAFT:
            # Shown, not sent: a disabled field keeps its initial value whatever is posted.
            field = form.fields["answer_control"]
            field.disabled = True
            field.help_text = answer_control_fixed_message()
        return form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The survey must close after it opens."))
        return data


class QuestionForm(ServiceErrorsMixin, forms.Form):
    """A question: its text, kind, whether required, and its choices or its scale."""

    text = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    help_text = forms.CharField(
        label=gettext_lazy("Explanation"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Optional: shown under the question."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    required = forms.BooleanField(
        label=gettext_lazy("An answer is required"), required=False, initial=True
    )
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Single and multiple choice: one choice a line, in order."),
    )
    scale_min = forms.IntegerField(
        label=gettext_lazy("Lowest rating"),
        required=False,
        min_value=RATING_LOWEST,
        max_value=RATING_HIGHEST,
        initial=1,
    )
    scale_max = forms.IntegerField(
        label=gettext_lazy("Highest rating"),
        required=False,
        min_value=RATING_LOWEST,
        max_value=RATING_HIGHEST,
        initial=5,
        help_text=gettext_lazy("Rating scale: whole numbers from 0 to 10."),
    )
    min_label = forms.CharField(
        label=gettext_lazy("Label of the lowest rating"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("For example 非常不满意."),
    )
    max_label = forms.CharField(
        label=gettext_lazy("Label of the highest rating"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("For example 非常满意."),
    )

    @classmethod
    def for_question(cls, question: Question, data: Any = None) -> QuestionForm:
        initial = {
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "required": question.required,
            "choices": "\n".join(choice.text for choice in question.choices.all()),
            "scale_min": question.scale_min if question.scale_min is not None else 1,
            "scale_max": question.scale_max if question.scale_max is not None else 5,
            "min_label": question.min_label,
            "max_label": question.max_label,
        }
        return cls(data, initial=initial)

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        kind = data["kind"]
        rating = kind == Kind.RATING
        return QuestionSpec(
            text=data["text"],
            kind=kind,
            required=bool(data.get("required")),
            help_text=data.get("help_text") or "",
            choices=[line for line in (data.get("choices") or "").splitlines() if line.strip()]
            if kind in Question.CHOICE_KINDS
            else (),
            scale_min=data.get("scale_min") if rating else None,
            scale_max=data.get("scale_max") if rating else None,
            min_label=(data.get("min_label") or "") if rating else "",
            max_label=(data.get("max_label") or "") if rating else "",
        )
