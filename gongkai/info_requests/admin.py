"""Django admin for the settings of applications only.

Applications themselves hold applicants' personal data: they are worked on in the workbench,
where every view is permission-checked and audited, never listed here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from gongkai.core.numbering import NumberingError, validate_pattern
from gongkai.core.singletons import register_singleton, singleton_exists
from gongkai.info_requests.models import AgencyRequestSettings, RequestPolicy

SAMPLE_NUMBER_VALUES = {"year": 2026, "serial": 1}

register_singleton(RequestPolicy)  # the admin asks whether it exists on every page


class RequestPolicyForm(forms.ModelForm):
    class Meta:
        model = RequestPolicy
        fields = ["number_pattern", "due_soon_days", "correction_days", "fee_pauses_clock"]

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"]
        try:
            # Serials restart each year: without the year two applications would share a number.
            validate_pattern(pattern, allowed=SAMPLE_NUMBER_VALUES, required=("year", "serial"))
        except NumberingError as error:
            raise forms.ValidationError(str(error)) from error
        return pattern


@admin.register(RequestPolicy)
class RequestPolicyAdmin(admin.ModelAdmin):
    form = RequestPolicyForm
    list_display = ["__str__", "number_pattern", "due_soon_days", "correction_days"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return super().has_add_permission(request) and not singleton_exists(RequestPolicy)


@admin.register(AgencyRequestSettings)
class AgencyRequestSettingsAdmin(admin.ModelAdmin):
    list_display = ["agency", "head_approval"]
    list_select_related = ["agency"]
    search_fields = ["agency__name"]
