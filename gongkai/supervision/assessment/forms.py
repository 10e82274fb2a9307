"""Forms of the assessment's workbench pages.

The forms read what a person typed and change nothing: the rules (a code unique in its scheme,
points within the maximum, usable scoring parameters, a comment and evidence for a hand score …)
are the services', so a person reads the same message whichever way the data arrives. A view
hands the cleaned data to the service and puts a refusal next to the field it names
(:meth:`ServiceErrorMixin.add_service_error`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency, StaffRole
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core.models import User
from gongkai.supervision.assessment.measures import measure_choices
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    EvidenceFile,
    HandScore,
    Indicator,
    IndicatorScheme,
)
from gongkai.supervision.assessment.scoring import AT_LEAST, AT_MOST, scoring_choices
from gongkai.supervision.assessment.services import IndicatorInput
from gongkai.supervision.assessment.workflow import AssessmentError

Kind = Indicator.Kind


def _label(model: type[Any], name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _number_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    kwargs.setdefault("required", False)
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class ServiceErrorMixin:
    """Puts a service's refusal (:class:`AssessmentError`) next to the field it names."""

    fields: dict[str, forms.Field]

    def add_service_error(self, error: AssessmentError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- schemes


class SchemeForm(ServiceErrorMixin, forms.Form):
    year = forms.IntegerField(label=_label(IndicatorScheme, "year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_label(IndicatorScheme, "title"), max_length=200)
    description = forms.CharField(
        label=_label(IndicatorScheme, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    copy_from = forms.ModelChoiceField(
        label=_("Copy the indicators of"),
        queryset=IndicatorScheme.objects.none(),
        required=False,
        help_text=_("A scheme of an earlier year (or of this one) to start from."),
    )

    def __init__(self, *args: Any, schemes: QuerySet[IndicatorScheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["copy_from"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = schemes.order_by("-year", "-version")


class SchemeEditForm(ServiceErrorMixin, forms.Form):
    title = forms.CharField(label=_label(IndicatorScheme, "title"), max_length=200)
    description = forms.CharField(
        label=_label(IndicatorScheme, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewVersionForm(ServiceErrorMixin, forms.Form):
    change_note = forms.CharField(
        label=_label(IndicatorScheme, "change_note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the corrected scorecards when the new version is published."),
    )


# --------------------------------------------------------------------------- indicators

DIRECTIONS = [
    (AT_LEAST, _("higher is better: at or above the threshold")),
    (AT_MOST, _("lower is better: at or below the threshold")),
]


def parse_steps(text: str) -> list[list[str]]:
    """One step a line: the threshold, then the points (``95 10``, ``95，10`` or ``95:10``)."""
    steps = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip().replace("，", " ").replace(",", " ").replace(":", " ").replace("：", " ")
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise forms.ValidationError(
                _("Write each step as a threshold and its points, for example “95 10”.")
            )
        steps.append(parts)
    return steps


def steps_text(steps: list[list[str]]) -> str:
    return "\n".join(f"{threshold} {points}" for threshold, points in steps)


class IndicatorForm(ServiceErrorMixin, forms.Form):
    code = forms.CharField(
        label=_label(Indicator, "code"),
        max_length=20,
        help_text=_("Such as 1, 1.2 or B1; unique in the scheme."),
    )
    name = forms.CharField(label=_label(Indicator, "name"), max_length=200)
    kind = forms.ChoiceField(label=_label(Indicator, "kind"), choices=Kind.choices)
    parent = forms.ModelChoiceField(
        label=_label(Indicator, "parent"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("The group it belongs to; empty for a top-level indicator."),
    )
    max_points = _number_field(
        _label(Indicator, "max_points"),
        help_text=_("For a group, the sum of the indicators under it is used."),
    )
    sort_order = forms.IntegerField(label=_label(Indicator, "sort_order"), min_value=0, initial=0)
    description = forms.CharField(
        label=_label(Indicator, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The rule in words, as the agencies and the public read it."),
    )
    measure = forms.ChoiceField(label=_label(Indicator, "measure"), choices=[], required=False)
    scoring = forms.ChoiceField(label=_label(Indicator, "scoring"), choices=[], required=False)
    zero_at = _number_field(
        _("Linear: figure at which no points are given"),
    )
    full_at = _number_field(_("Linear: figure at which full points are given"))
    per = _number_field(_("Deduction: points off each occurrence"))
    floor = _number_field(_("Deduction: lowest points"))
    steps = forms.CharField(
        label=_("Thresholds: one step a line, the threshold then its points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    direction = forms.ChoiceField(
        label=_("Thresholds: which figures are better"),
        choices=DIRECTIONS,
        initial=AT_LEAST,
        required=False,
    )
    otherwise = _number_field(_("Thresholds: points when no step is reached"))
    unscored = forms.ChoiceField(
        label=_label(Indicator, "unscored"),
        choices=Indicator.Unscored.choices,
        initial=Indicator.Unscored.FULL,
        help_text=_(
            "What an agency gets with no records to measure, or, for a hand-scored "
            "indicator, with no score entered."
        ),
    )
    assessor = forms.ModelChoiceField(
        label=_label(Indicator, "assessor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Hand-scored indicators: the member of the disclosure office who scores it; "
            "while empty, any member of the office may."
        ),
    )

    def __init__(
        self, *args: Any, scheme: IndicatorScheme, indicator: Indicator | None = None, **kwargs: Any
    ) -> None:
        if indicator is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(indicator)
        super().__init__(*args, **kwargs)
        groups = scheme.indicators.filter(kind=Kind.GROUP).order_by("sort_order", "pk")
        if indicator is not None:
            groups = groups.exclude(pk=indicator.pk)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # noqa: S101 - declared above
        parent.queryset = groups
        assessor = self.fields["assessor"]
        assert isinstance(assessor, forms.ModelChoiceField)  # noqa: S101 - declared above
        assessor.queryset = User.objects.filter(
            is_active=True, staff_roles__role=StaffRole.Role.OFFICE
        ).distinct()
        blank = [("", "—")]
        self.fields["measure"].choices = blank + measure_choices()  # type: ignore[attr-defined]
        self.fields["scoring"].choices = blank + scoring_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(indicator: Indicator) -> dict[str, Any]:
        params = indicator.parameters or {}
        return {
            "code": indicator.code,
            "name": indicator.name,
            "kind": indicator.kind,
            "parent": indicator.parent_id,
            "max_points": indicator.max_points,
            "sort_order": indicator.sort_order,
            "description": indicator.description,
            "measure": indicator.measure,
            "scoring": indicator.scoring,
            "zero_at": params.get("zero_at"),
            "full_at": params.get("full_at"),
            "per": params.get("per"),
            "floor": params.get("floor"),
            "steps": steps_text(params.get("steps", [])),
            "direction": params.get("direction", AT_LEAST),
            "otherwise": params.get("otherwise"),
            "unscored": indicator.unscored,
            "assessor": indicator.assessor_id,
        }

    FIELDSETS = (
        (
            _("The indicator"),
            "",
            ("code", "name", "kind", "parent", "max_points", "sort_order", "description",
             "unscored"),
        ),
        (
            _("Computed from records: the measure and its scoring"),
            _(
                "Only for an indicator computed from records. The fields of the chosen scoring "
                "function are used; the others are ignored."
            ),
            ("measure", "scoring", "zero_at", "full_at", "per", "floor", "steps", "direction",
             "otherwise"),
        ),
        (_("Scored by hand"), "", ("assessor",)),
    )  # fmt: skip

    def fieldsets(self) -> list[tuple[Any, Any, list[forms.BoundField]]]:
        """The fields in groups, for the template's fieldsets."""
        return [
            (legend, help_text, [self[name] for name in names])
            for legend, help_text, names in self.FIELDSETS
        ]

    def clean_steps(self) -> list[list[str]]:
        return parse_steps(self.cleaned_data.get("steps", ""))

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen = data.get("scoring")

        def text(name: str) -> str | None:
            value = data.get(name)
            return None if value is None else str(value)

        if chosen == "linear":
            return {"zero_at": text("zero_at"), "full_at": text("full_at")}
        if chosen == "deduction":
            return {"per": text("per"), "floor": text("floor")}
        if chosen == "steps":
            return {
                "steps": data.get("steps") or [],
                "direction": data.get("direction") or AT_LEAST,
                "otherwise": text("otherwise"),
            }
        return {}

    def service_input(self) -> IndicatorInput:
        data = self.cleaned_data
        max_points: Decimal = data.get("max_points") or Decimal("0")
        return IndicatorInput(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            max_points=max_points,
            parent=data.get("parent"),
            description=data.get("description", ""),
            sort_order=data.get("sort_order") or 0,
            measure=data.get("measure", ""),
            scoring=data.get("scoring", ""),
            parameters=self.parameters(),
            unscored=data.get("unscored", Indicator.Unscored.FULL),
            assessor=data.get("assessor"),
        )


# --------------------------------------------------------------------------- hand scores


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


class HandScoreForm(ServiceErrorMixin, forms.Form):
    points = forms.DecimalField(
        label=_label(HandScore, "points"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    comment = forms.CharField(
        label=_label(HandScore, "comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the agency gets these points: what was checked and what was found."),
    )
    documents = forms.CharField(
        label=_("Evidence in the catalogue: index numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One 索引号 a line, of public documents."),
    )
    evidence_files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel or images; kept private (the office and the agency)."),
    )
    remove_files = forms.MultipleChoiceField(
        label=_("Remove these files"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, hand_score: HandScore | None = None, **kwargs: Any) -> None:
        if hand_score is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "points": hand_score.points,
                "comment": hand_score.comment,
                "documents": "\n".join(
                    document.index_number or "" for document in hand_score.documents.all()
                ),
            }
        super().__init__(*args, **kwargs)
        existing: list[EvidenceFile] = list(hand_score.files.all()) if hand_score else []
        if existing:
            self.fields["remove_files"].choices = [  # type: ignore[attr-defined]
                (str(evidence.pk), evidence.original_name) for evidence in existing
            ]
        else:
            del self.fields["remove_files"]

    def clean_documents(self) -> list[Document]:
        numbers = [" ".join(line.split()) for line in self.cleaned_data["documents"].splitlines()]
        documents = []
        for number in filter(None, numbers):
            document = public_document_rows().filter(index_number=number).first()
            if document is None:
                raise forms.ValidationError(
                    _("No public document has the index number %(number)s.") % {"number": number}
                )
            documents.append(document)
        return documents

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "points": data["points"],
            "comment": data["comment"],
            "documents": data["documents"],
            "files": data["evidence_files"],
            "remove_files": [int(pk) for pk in data.get("remove_files", [])],
        }


# --------------------------------------------------------------------------- accountability


class AccountabilityForm(ServiceErrorMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_label(AccountabilityRecord, "agency"), queryset=Agency.objects.none()
    )
    person = forms.CharField(label=_label(AccountabilityRecord, "person"), max_length=100)
    person_title = forms.CharField(
        label=_label(AccountabilityRecord, "person_title"), max_length=100, required=False
    )
    reason = forms.CharField(
        label=_label(AccountabilityRecord, "reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measure = forms.ChoiceField(
        label=_label(AccountabilityRecord, "measure"),
        choices=AccountabilityRecord.Measure.choices,
    )
    decided_on = _date_field(_label(AccountabilityRecord, "decided_on"))
    decision_number = forms.CharField(
        label=_label(AccountabilityRecord, "decision_number"), max_length=64, required=False
    )

    def __init__(
        self, *args: Any, record: AccountabilityRecord | None = None, **kwargs: Any
    ) -> None:
        if record is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "agency": record.agency_id,
                "person": record.person,
                "person_title": record.person_title,
                "reason": record.reason,
                "measure": record.measure,
                "decided_on": record.decided_on,
                "decision_number": record.decision_number,
            }
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)  # noqa: S101 - declared above
        agency.queryset = Agency.objects.order_by("sort_order", "pk")

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "agency": data["agency"],
            "person": data["person"],
            "person_title": data.get("person_title", ""),
            "reason": data["reason"],
            "measure": data["measure"],
            "decided_on": data["decided_on"],
            "decision_number": data.get("decision_number", ""),
        }
