"""Forms of the notice template editor in the workbench: one letter template, and an agency's
notice settings (the number pattern and the bodies named in the remedies paragraph).

The forms read and check what a person typed; they change nothing. Their checks are the
models' own (``NoticeTemplate.clean``, ``validate_pattern``), so the person reads the same
translated message the save would give; the views hand the cleaned data to the services in
``notice_editing.py``, which check again and make the change.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.numbering import NumberingError, validate_pattern
from gongkai.info_requests.notice_models import (
    NUMBER_PATTERN_SAMPLE,
    NoticeSettings,
    NoticeTemplate,
)
from gongkai.info_requests.workflow import InfoRequestError

BODY_MAX_LENGTH = 20_000  # a letter is a page or two; this only stops a runaway paste


def _label(model: type[Any], name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _one_newline(text: str) -> str:
    """Browsers send CR LF; a template keeps one \\n a line, as the letters split it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ServiceErrorMixin:
    """Puts a service's refusal (:class:`InfoRequestError`) next to the field it names."""

    fields: dict[str, forms.Field]

    def add_service_error(self, error: InfoRequestError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


class NoticeTemplateForm(ServiceErrorMixin, forms.Form):
    """The title and text of one kind of letter, checked as ``NoticeTemplate.clean`` checks
    them: only the documented placeholders, balanced braces, and {remedies} in a reply."""

    title = forms.CharField(
        label=_label(NoticeTemplate, "title"),
        max_length=NoticeTemplate._meta.get_field("title").max_length,
        help_text=_("Placeholders may be used in the title too, for example {agency_name}."),
    )
    body = forms.CharField(
        label=_label(NoticeTemplate, "body"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text=NoticeTemplate._meta.get_field("body").help_text,
    )

    def __init__(self, *args: Any, agency: Agency | None, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.kind = kind

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_body(self) -> str:
        body = _one_newline(self.cleaned_data["body"]).strip()
        if not body:
            raise ValidationError(self.fields["body"].error_messages["required"], code="required")
        return body

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "title" in data and "body" in data:
            try:
                self.template().clean()
            except ValidationError as error:
                self.add_error(None, error)  # the model names the field: title or body
        return data

    def template(self) -> NoticeTemplate:
        """The template as typed (unsaved): for the preview and the model's checks."""
        return NoticeTemplate(
            agency=self.agency,
            kind=self.kind,
            title=self.cleaned_data["title"],
            body=self.cleaned_data["body"],
        )


class NoticeSettingsForm(ServiceErrorMixin, forms.Form):
    """An agency's notice number pattern and remedies bodies; each left empty is inherited."""

    number_pattern = forms.CharField(
        label=_label(NoticeSettings, "number_pattern"),
        max_length=NoticeSettings._meta.get_field("number_pattern").max_length,
        required=False,
        help_text=_(
            "Placeholders: {agency_short}, {org_code}, {year} and {serial}; {serial} is "
            "required, and may be padded with zeros: {serial:03d}."
        ),
    )
    reconsideration_body = forms.CharField(
        label=_label(NoticeSettings, "reconsideration_body"),
        max_length=NoticeSettings._meta.get_field("reconsideration_body").max_length,
        required=False,
        help_text=_("Named in every reply as the body that hears administrative reconsideration."),
    )
    court = forms.CharField(
        label=_label(NoticeSettings, "court"),
        max_length=NoticeSettings._meta.get_field("court").max_length,
        required=False,
        help_text=_("Named in every reply as the court that hears administrative litigation."),
    )

    def __init__(self, *args: Any, inherited: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # What each field left empty stands for, shown in the empty field.
        for name, value in (inherited or {}).items():
            self.fields[name].widget.attrs["placeholder"] = value

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"].strip()
        if pattern:
            try:
                validate_pattern(pattern, allowed=NUMBER_PATTERN_SAMPLE)
            except NumberingError as error:
                raise ValidationError(str(error), code="pattern") from None
        return pattern

    def clean_reconsideration_body(self) -> str:
        return " ".join(self.cleaned_data["reconsideration_body"].split())

    def clean_court(self) -> str:
        return " ".join(self.cleaned_data["court"].split())
