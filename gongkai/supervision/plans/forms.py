"""Forms of the key-task pages: building a plan, a task and a notice, and one form per action.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``plans.services``, which checks permissions, states and content again and names the
field of any refusal; the view shows that message next to the field.
"""

from __future__ import annotations

from typing import Any, NamedTuple, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.agencies.models import Agency
from gongkai.supervision.plans import services
from gongkai.supervision.plans.models import KeyTask, TaskCategory, WorkPlan
from gongkai.supervision.plans.workflow import PlanError

TEXT_MAX = services.TEXT_MAX


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, *, required: bool = True, rows: int = 4, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("max_length", TEXT_MAX)
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("sort_order", "name", "id")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AgenciesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ServiceErrorMixin:
    # The service's name for a field where the form calls it otherwise.
    field_aliases: dict[str, str] = {}

    def add_service_error(self, error: PlanError) -> None:
        """Show the service's message next to the field it names (the form otherwise)."""
        form = cast(forms.Form, self)
        named = self.field_aliases.get(error.field or "", error.field)
        field = named if named in form.fields else None
        if field is None or field not in form.errors:
            form.add_error(field, error.message)


# --- building ---------------------------------------------------------------------------------


class PlanForm(ServiceErrorMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    agency = AgencyChoiceField(label=_("Issued by"), queryset=Agency.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=_("The number of the document that issued the plan, if any."),
    )
    description = _text(_("Description"), required=False)

    def __init__(self, *args: Any, plan: WorkPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agency"])
        field.queryset = Agency.objects.filter(
            kind__in=[Agency.Kind.GOVERNMENT, Agency.Kind.GENERAL_OFFICE]
        ).order_by("sort_order", "id")
        if plan is not None:
            del self.fields["year"]
            if not self.is_bound:
                self.initial.update(
                    agency=plan.agency_id,
                    title=plan.title,
                    doc_number=plan.doc_number,
                    description=plan.description,
                )


class CategoryForm(ServiceErrorMixin, forms.Form):
    name = forms.CharField(label=_("Category"), max_length=100)


class TaskForm(ServiceErrorMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=TaskCategory.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("Description"), required=False, rows=3)
    expected_output = _text(_("Expected output"), rows=3)
    lead_agency = AgencyChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    co_agencies = AgenciesField(
        label=_("Co-responsible agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=services.WEIGHT_MAX,
        initial=1,
        help_text=_("How much the task counts in its category's and the plan's progress."),
    )

    def __init__(
        self, *args: Any, plan: WorkPlan, task: KeyTask | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = plan.categories.order_by(
            "order", "id"
        )
        cast(forms.ModelChoiceField, self.fields["lead_agency"]).queryset = _agencies()
        cast(forms.ModelMultipleChoiceField, self.fields["co_agencies"]).queryset = _agencies()
        if task is not None and not self.is_bound:
            self.initial.update(
                category=task.category_id,
                title=task.title,
                description=task.description,
                expected_output=task.expected_output,
                lead_agency=task.lead_agency_id,
                co_agencies=[agency.pk for agency in task.co_agencies.all()],
                deadline=task.deadline,
                weight=task.weight,
            )
        if task is not None and task.state != KeyTask.State.ASSIGNED:
            # Signed for: the agency and the deadline are the agency's commitment now.
            for name in ("lead_agency", "deadline"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Fixed once the task is signed for (a later deadline is an extension)."
                )

    def task_input(self) -> services.TaskInput:
        data = self.cleaned_data
        return services.TaskInput(
            category=data["category"],
            title=data["title"],
            expected_output=data["expected_output"],
            lead_agency=data["lead_agency"],
            deadline=data["deadline"],
            description=data.get("description") or "",
            co_agencies=list(data.get("co_agencies") or []),
            weight=data["weight"],
        )


class NoticeForm(ServiceErrorMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    doc_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    plan = forms.ModelChoiceField(
        label=_("Work plan"),
        queryset=WorkPlan.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    agencies = AgenciesField(
        label=_("To the agencies"),
        queryset=Agency.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    reply_deadline = forms.DateField(label=_("Reply deadline"), widget=_date_input())
    text = _text(_("Text"), rows=10, max_length=20_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = WorkPlan.objects.order_by(
            "-year"
        )
        cast(forms.ModelMultipleChoiceField, self.fields["agencies"]).queryset = _agencies()


class TaskFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[("open", _("Open")), ("accepted", pgettext_lazy("key task", "Accepted"))],
        required=False,
        widget=forms.HiddenInput,
    )


# --- actions on a task ------------------------------------------------------------------------


class Decision(NamedTuple):
    """A submit button that carries the form's decision."""

    value: str
    label: Any
    danger: bool


class ActionForm(ServiceErrorMixin, forms.Form):
    """A form of one action on ``task``; ``decisions``, when not empty, replaces the panel's
    single button by one button per decision."""

    decisions: tuple[Decision, ...] = ()

    def __init__(self, *args: Any, task: KeyTask, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.user = user


class SignForm(ActionForm):
    comment = _text(
        _("Note (optional)"),
        required=False,
        rows=2,
        help_text=_("For example who at your agency takes care of the task."),
    )


def _documents_field() -> forms.CharField:
    return forms.CharField(
        label=_("Catalogue documents"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Index numbers (索引号) of documents in the disclosure catalogue that show the work, "
            "one per line."
        ),
    )


def _files_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Files"),
        help_text=_(
            "Up to 5 files (PDF, Word, Excel or images), 20 MB each. Seen by the office and the "
            "task's agencies only."
        ),
    )


class ReportForm(ActionForm):
    percentage = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False
    )
    text = _text(_("What has been done"))
    documents = _documents_field()
    attachments = _files_field()

    def __init__(self, *args: Any, lead: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lead = lead
        if lead:
            self.fields["percentage"].required = True
            if not self.is_bound:
                self.initial["percentage"] = self.task.progress
        else:
            del self.fields["percentage"]

    def document_numbers(self) -> list[str]:
        return services.parse_identifiers(self.cleaned_data.get("documents") or "")


class CompletionForm(ActionForm):
    text = _text(_("What was done"), help_text=_("The result and where it can be seen."))
    documents = _documents_field()
    attachments = _files_field()

    def document_numbers(self) -> list[str]:
        return services.parse_identifiers(self.cleaned_data.get("documents") or "")


class ExtensionRequestForm(ActionForm):
    until = forms.DateField(label=_("New deadline"), widget=_date_input())
    reason = _text(_("Why more time is needed"), rows=3)


class ExtensionDecisionForm(ActionForm):
    until = forms.DateField(
        label=_("New deadline"),
        widget=_date_input(),
        required=False,
        help_text=_("The day asked for unless you give another."),
    )
    comment = _text(
        _("Comment"), required=False, rows=2, help_text=_("Required when refusing: why.")
    )
    decisions = (
        Decision("approve", _("Approve the extension"), False),
        Decision("refuse", _("Refuse the extension"), True),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.task.extension_requested_until:
            self.initial["until"] = self.task.extension_requested_until

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("decision") not in ("approve", "refuse"):
            raise forms.ValidationError(_("Approve or refuse the extension."))
        return data

    @property
    def approve(self) -> bool:
        return self.data.get("decision") == "approve"


class CompletionDecisionForm(ActionForm):
    comment = _text(
        _("Comment"),
        required=False,
        rows=3,
        help_text=_("Required when sending back: what is missing. Never shown on the portal."),
    )
    field_aliases = {"reason": "comment"}  # a send-back's reason is the comment
    decisions = (
        Decision("accept", _("Accept (办结)"), False),
        Decision("send_back", _("Send back"), True),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("decision") not in ("accept", "send_back"):
            raise forms.ValidationError(_("Accept the task or send it back."))
        return data

    @property
    def accept(self) -> bool:
        return self.data.get("decision") == "accept"


# --- notices ----------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """An action with nothing to fill in."""

    def add_service_error(self, error: PlanError) -> None:
        self.add_error(None, error.message)


class AnswerForm(ServiceErrorMixin, forms.Form):
    recipient = forms.TypedChoiceField(label=_("For the agency"), coerce=int)
    text = _text(_("Your agency's report"), rows=8, max_length=20_000)
    attachments = _files_field()

    def __init__(self, *args: Any, recipients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["recipient"])
        field.choices = [(row.pk, row.agency.name) for row in recipients]
        self.only = recipients[0].pk if len(recipients) == 1 else None
        if self.only is not None:
            # One agency to answer for: no choice to make.
            field.initial = self.only
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_recipient(self) -> int:
        value = self.cleaned_data.get("recipient")
        if value in (None, "") and self.only is not None:
            return self.only
        return int(value)  # type: ignore[arg-type]
