"""Django admin for the settings and types of letters only.

Letters themselves hold their writers' personal data: they are worked on in the workbench,
where every view is permission-checked and audited, never listed here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from gongkai.core.numbering import NumberingError, validate_pattern
from gongkai.core.singletons import register_singleton, singleton_exists
from gongkai.interaction.letters.models import LetterSettings, LetterType

SAMPLE_NUMBER_VALUES = {"year": 2026, "serial": 1}

register_singleton(LetterSettings)  # the admin asks whether it exists on every page


class LetterSettingsForm(forms.ModelForm):
    class Meta:
        model = LetterSettings
        fields = ["number_pattern", "due_soon_days", "rating_days", "petition_agency",
                  "petition_note"]  # fmt: skip

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"]
        try:
            # Serials restart each year: without the year two letters would share a number.
            validate_pattern(pattern, allowed=SAMPLE_NUMBER_VALUES, required=("year", "serial"))
        except NumberingError as error:
            raise forms.ValidationError(str(error)) from error
        return str(pattern)


class LetterSettingsAdmin(admin.ModelAdmin):
    form = LetterSettingsForm
    list_display = ["__str__", "number_pattern", "due_soon_days", "rating_days"]

    def has_add_permission(self, request: Any) -> bool:
        return super().has_add_permission(request) and not singleton_exists(LetterSettings)


class LetterTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "leader_name", "leader_title", "reply_days", "active",
                    "sort_order"]  # fmt: skip
    list_filter = ["kind", "active"]
    list_editable = ["active", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["agency"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # A type with letters stays (the letters keep pointing to it); close it instead.
        if obj is not None and obj.letters.exists():
            return False
        return super().has_delete_permission(request, obj)


def register() -> None:
    """Register with the admin site (from ``interaction.wiring``; repeat-safe)."""
    if not admin.site.is_registered(LetterSettings):
        admin.site.register(LetterSettings, LetterSettingsAdmin)
    if not admin.site.is_registered(LetterType):
        admin.site.register(LetterType, LetterTypeAdmin)
