"""Forms of the public pages of letters: writing a letter, opening its status page, rating
the reply, and the filters of public Q&A.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``letters.services``, which checks everything again and names the field of any refusal;
the messages for missing fields use the services' own wording.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import ErrorList
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import public_agencies
from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter, LetterType
from gongkai.interaction.letters.selectors import QAFilterChoices, active_letter_types
from gongkai.interaction.letters.workflow import LetterError

QUERY_CODE_MAX_LENGTH = 32


class PublicErrorList(ErrorList):
    """Errors styled by the portal's stylesheet (``.field-errors``), still ``.errorlist``."""

    def __init__(
        self,
        initlist: Any = None,
        error_class: str | None = None,
        renderer: Any = None,
        field_id: str | None = None,
    ) -> None:
        super().__init__(
            initlist, error_class=error_class or "field-errors", renderer=renderer,
            field_id=field_id,
        )  # fmt: skip


class PublicForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", PublicErrorList)
        super().__init__(*args, **kwargs)

    def add_service_error(self, error: LetterError) -> None:
        """Show a service's refusal next to the field it names (on the form otherwise)."""
        field = error.field if error.field in self.fields else None
        if field is None or field not in self.errors:
            self.add_error(field, error.message)


class SecretTextInput(forms.TextInput):
    """A text input that is never filled in again from what was sent (the query code)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class LetterTypeField(forms.ModelChoiceField):
    """The kinds of letter, each leader's mailbox on its own, with their reply limits."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class AgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class LetterForm(PublicForm):
    """The online letter: its kind (for a mailbox, whose), the writer, the letter itself."""

    letter_type = LetterTypeField(
        label=_("Kind of letter"),
        queryset=LetterType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("For a leader's mailbox, choose the leader you write to."),
        error_messages=_required(_("Choose the kind of letter.")),
    )
    agency = AgencyField(
        label=_("Agency concerned"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("— I do not know —"),
        help_text=_("If you know which agency the matter concerns; the office decides otherwise."),
    )
    name = forms.CharField(
        label=pgettext_lazy("writer", "Name"),
        max_length=100,
        error_messages=_required(_("Give your name.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        help_text=_("So that the agency can call you back. It is never published."),
        error_messages=_required(_("Give a phone number we can call.")),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We tell you here when the reply is ready. It is never published."),
        error_messages={
            "required": _("Give an e-mail address: the reply is announced there."),
            "invalid": _("The e-mail address is not valid."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=services.SUBJECT_MAX_LENGTH,
        error_messages=_required(_("Give the subject of your letter.")),
    )
    content = forms.CharField(
        label=_("Your letter"),
        max_length=services.CONTENT_MAX_LENGTH,
        help_text=_("Describe the matter: what, where, since when, and what you ask for."),
        error_messages=_required(_("Write what your letter is about.")),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    attachments = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=format_lazy(
            _("Up to {count} files (PDF, Word, Excel, text or images), each at most {size}."),
            count=services.MAX_ATTACHMENTS,
            size=lazy(lambda: filesizeformat(services.ATTACHMENT_POLICY.max_bytes()), str)(),
        ),
        widget=MultipleFileInput(attrs={"accept": services.ATTACHMENT_POLICY.accept}),
    )
    consent_to_publish = forms.BooleanField(
        label=_(
            "I agree that my letter and its reply may be published on this site, without my "
            "name, phone number, e-mail address or other personal data."
        ),
        required=False,
    )

    OPTIONAL = ("agency", "attachments")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["letter_type"]).queryset = active_letter_types()
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = public_agencies()
        for name in self.OPTIONAL:
            field = self.fields[name]
            field.label = format_lazy(_("{label} (optional)"), label=field.label)

    def letter_input(self) -> services.LetterInput:
        data = self.cleaned_data
        return services.LetterInput(
            letter_type=data["letter_type"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            subject=data["subject"],
            content=data["content"],
            consent_to_publish=bool(data.get("consent_to_publish")),
            agency=data.get("agency"),
        )


class StatusLookupForm(PublicForm):
    """The tracking number and query code, sent by POST so the code is never in a URL."""

    number = forms.CharField(
        label=pgettext_lazy("letter", "Tracking number"),
        max_length=64,
        error_messages=_required(_("Give the tracking number.")),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=QUERY_CODE_MAX_LENGTH,
        help_text=_("The code shown once when you wrote, or given to you with the number."),
        error_messages=_required(_("Give the query code.")),
        widget=SecretTextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class RatingForm(PublicForm):
    """The writer's rating of the reply (满意度), and the request to handle it again."""

    rating = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"),
        choices=Letter.Rating.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose how satisfied you are with the reply.")),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.CONTENT_MAX_LENGTH,
        help_text=_("Needed when you are not satisfied: say what the reply lacks."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reopen = forms.BooleanField(
        label=_("I am not satisfied: please handle my letter again."),
        required=False,
        help_text=_("A letter can be handled again once."),
    )

    def __init__(self, *args: Any, letter: Letter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if letter.reopened:
            del self.fields["reopen"]


class QAFilterForm(PublicForm):
    """The filters of the public Q&A list: the agency that replied, the letter type and the
    year of the reply, each offered only where published Q&A exists. An unknown value is
    ignored (the list is shown unfiltered by it), never an error."""

    agency = forms.ChoiceField(label=_("Agency that replied"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    year = forms.TypedChoiceField(label=_("Year of the reply"), required=False, coerce=int)

    def __init__(self, *args: Any, choices: QAFilterChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ChoiceField], self.fields)
        fields["agency"].choices = [("", _("All agencies")), *choices.agencies]
        fields["type"].choices = [("", _("All types")), *choices.types]
        fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in choices.years]]

    def filters(self) -> dict[str, Any]:
        """The valid filters chosen (the others left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "agency_slug": cleaned.get("agency") or "",
            "type_slug": cleaned.get("type") or "",
            "year": cleaned.get("year") or None,
        }
