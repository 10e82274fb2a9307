"""Django admin for the catalogue's configuration: taxonomies, columns, screening expressions,
per-agency numbering and pacing, and the types of structured lists.

Documents and list records are worked on in the workbench, never here. Record types change
through the services of ``catalogue.lists`` so that their rules and audit entries hold.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue import lists
from gongkai.catalogue.models import (
    AgencyCatalogueSettings,
    Column,
    Genre,
    RecordField,
    RecordType,
    SensitiveTerm,
    StatutoryItem,
    Topic,
)
from gongkai.core.numbering import NumberingError, validate_pattern

SAMPLE_NUMBER_VALUES = {"org_code": "11370303MB28000000", "year": 2026, "serial": 1}


@admin.register(StatutoryItem)
class StatutoryItemAdmin(admin.ModelAdmin):
    list_display = ["name", "article", "number", "scope", "sort_order"]
    list_filter = ["article", "scope"]
    search_fields = ["name", "code"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "code", "sort_order"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "parent", "on_home_page", "sort_order"]
    list_filter = ["kind", "on_home_page"]
    search_fields = ["name", "slug"]
    list_select_related = ["parent"]


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "suggestion", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["term", "suggestion"]


class AgencyCatalogueSettingsForm(forms.ModelForm):
    class Meta:
        model = AgencyCatalogueSettings
        fields = [
            "agency",
            "index_pattern",
            "registration_pattern",
            "publication_limit_days",
            "interpretation_lag_days",
            "reassess_months",
        ]

    def _clean_pattern(self, name: str) -> str:
        pattern = self.cleaned_data[name]
        try:
            validate_pattern(pattern, allowed=SAMPLE_NUMBER_VALUES)
        except NumberingError as error:
            raise forms.ValidationError(str(error)) from error
        return pattern

    def clean_index_pattern(self) -> str:
        return self._clean_pattern("index_pattern")

    def clean_registration_pattern(self) -> str:
        return self._clean_pattern("registration_pattern")

    def clean_publication_limit_days(self) -> int:
        days = self.cleaned_data["publication_limit_days"]
        if not 1 <= days <= 20:
            # REG 26: within 20 working days; an agency may set itself a shorter limit only.
            raise forms.ValidationError(
                gettext("The publication limit is 1 to 20 working days (article 26).")
            )
        return days


@admin.register(AgencyCatalogueSettings)
class AgencyCatalogueSettingsAdmin(admin.ModelAdmin):
    form = AgencyCatalogueSettingsForm
    list_display = [
        "agency",
        "index_pattern",
        "registration_pattern",
        "publication_limit_days",
        "interpretation_lag_days",
        "reassess_months",
    ]
    list_select_related = ["agency"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]


FIELD_LINE_HELP = _(
    "One field a line: key | label | type | flags | choices. Types: text, number, money, date, "
    "agency, choice, url, attachment. Flags, comma-separated: required, personal, searchable. "
    "Choices, for the choice type, separated by commas. Example: "
    "kind | 权力类型 | choice | required,searchable | 行政许可,行政处罚"
)


def parse_field_lines(text: str) -> list[lists.FieldSpec]:
    """Field definitions typed one a line in the admin (see ``FIELD_LINE_HELP``)."""
    specs = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 3:
            raise forms.ValidationError(
                gettext("Line %(line)d needs at least a key, a label and a type.")
                % {"line": number}
            )
        parts += [""] * (5 - len(parts))
        key, label, type_, flags_text, choices_text = parts[:5]
        flags = {flag.strip() for flag in flags_text.replace("，", ",").split(",") if flag.strip()}
        unknown = flags - {"required", "personal", "searchable"}
        if unknown:
            raise forms.ValidationError(
                gettext("Line %(line)d has unknown flags: %(flags)s.")
                % {"line": number, "flags": ", ".join(sorted(unknown))}
            )
        choices = [c.strip() for c in choices_text.replace("，", ",").split(",") if c.strip()]
        specs.append(
            lists.FieldSpec(
                key=key,
                label=label,
                type=type_,
                required="required" in flags,
                choices=choices,
                personal="personal" in flags,
                searchable="searchable" in flags,
            )
        )
    return specs


class RecordTypeForm(forms.ModelForm):
    """The type's own fields, plus fields to add, applied through the services in ``clean``
    so that a rule they refuse is shown on the form instead of failing after it."""

    new_fields = forms.CharField(
        label=_("Fields to add"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90}),
        help_text=FIELD_LINE_HELP,
    )

    class Meta:
        model = RecordType
        fields = [
            "code",
            "name",
            "description",
            "column",
            "statutory_items",
            "sort_order",
            "active",
        ]

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if self.instance.pk:
            self.fields["code"].disabled = True
        self.saved: RecordType | None = None

    def _post_clean(self) -> None:
        # After the form's and the model's own validation (uniqueness included), so the rows
        # the services write are not mistaken for a clash with themselves.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        cleaned: dict[str, Any] = self.cleaned_data
        try:
            specs = parse_field_lines(cleaned.get("new_fields", ""))
            with transaction.atomic():
                self.saved = self._apply(cleaned, specs)
        except forms.ValidationError as error:
            self.add_error("new_fields", error)
        except lists.ListError as error:
            self.add_error(None, str(error))

    def _apply(self, cleaned: dict[str, Any], specs: list[lists.FieldSpec]) -> RecordType:
        if self.instance.pk is None:
            return lists.define_record_type(
                actor=self.actor,
                code=cleaned["code"],
                name=cleaned["name"],
                fields=specs,
                description=cleaned.get("description", ""),
                column=cleaned.get("column"),
                statutory_items=cleaned.get("statutory_items") or [],
                sort_order=cleaned.get("sort_order") or 0,
            )
        record_type = RecordType.objects.get(pk=self.instance.pk)
        lists.update_record_type(
            record_type,
            actor=self.actor,
            statutory_items=cleaned.get("statutory_items") or [],
            **{
                name: cleaned.get(name)
                for name in ("name", "description", "column", "sort_order", "active")
            },
        )
        for spec in specs:
            lists.add_field(
                record_type,
                actor=self.actor,
                key=spec.key,
                label=spec.label,
                type=spec.type,
                required=spec.required,
                choices=spec.choices,
                personal=spec.personal,
                searchable=spec.searchable,
            )
        return record_type


class RecordFieldInline(admin.TabularInline):
    model = RecordField
    fields = ("key", "label", "type", "required", "personal", "searchable", "choices")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordField]:
        # Each row is shown by its __str__, which names its record type: one query for all.
        return super().get_queryset(request).select_related("record_type")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecordType)
class RecordTypeAdmin(admin.ModelAdmin):
    form = RecordTypeForm
    inlines = [RecordFieldInline]
    list_display = ["name", "code", "column", "active", "sort_order"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    list_select_related = ["column"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class ActorForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, actor=actor, **form_kwargs)

        return ActorForm

    def has_module_permission(self, request: HttpRequest) -> bool:
        return lists.can_define_record_types(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return lists.can_define_record_types(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return lists.can_define_record_types(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return lists.can_define_record_types(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records refer to their type; an unused type is switched off instead

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The services already saved everything while the form was validated.
        form.instance = form.saved
        obj.pk = form.saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The type's many-to-many links were set by the services; the field inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
