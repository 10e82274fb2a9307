"""Django admin for the statistics form definitions (data the office may change). Submissions
are filled in, checked and accepted in the workbench, through the services, never here: the
admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.reports.statistics.definitions import validate_definition
from gongkai.reports.statistics.models import (
    StatisticsField,
    StatisticsForm,
    StatisticsSubmission,
)


class StatisticsFormForm(forms.ModelForm):
    class Meta:
        model = StatisticsForm
        fields = [
            "code", "title", "description", "period", "due_day", "remind_days", "all_members",
            "agency_kinds", "active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        definition = {
            "code": data.get("code"),
            "title": data.get("title"),
            "period": data.get("period"),
            "due_day": data.get("due_day"),
            "remind_days": data.get("remind_days", 3),
            "all_members": data.get("all_members", True),
            "agency_kinds": data.get("agency_kinds") or [],
        }
        for error in validate_definition(definition, with_fields=False):
            self.add_error(None, error)
        return data


class StatisticsFieldForm(forms.ModelForm):
    class Meta:
        model = StatisticsField
        fields = ["key", "label", "kind", "order", "source", "help_text", "required"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        definition = {
            "code": "check",
            "title": "-",
            "period": "monthly",
            "due_day": 1,
            "fields": [
                {
                    "key": data.get("key"),
                    "label": data.get("label"),
                    "kind": data.get("kind"),
                    "source": data.get("source") or "",
                }
            ],
        }
        for error in validate_definition(definition):
            self.add_error(None, error)
        return data


class StatisticsFieldInline(admin.TabularInline):
    model = StatisticsField
    form = StatisticsFieldForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatisticsField]:
        # Each row is shown by its __str__, which names its form: one query for all.
        return super().get_queryset(request).select_related("form")


class StatisticsFormAdmin(admin.ModelAdmin):
    form = StatisticsFormForm
    inlines = [StatisticsFieldInline]
    list_display = ["code", "title", "period", "due_day", "active"]
    list_filter = ["period", "active"]


class StatisticsSubmissionAdmin(admin.ModelAdmin):
    list_display = ["form", "period_key", "agency", "state", "due_on"]
    list_filter = ["form", "state"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


def register() -> None:
    if not admin.site.is_registered(StatisticsForm):
        admin.site.register(StatisticsForm, StatisticsFormAdmin)
    if not admin.site.is_registered(StatisticsSubmission):
        admin.site.register(StatisticsSubmission, StatisticsSubmissionAdmin)
