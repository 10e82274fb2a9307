"""Django admin for this part's configuration: hotline programmes, service points and channels
with the figures each reports.

The records themselves (sessions, logs, figures, opinion responses) are entered in the
workbench, where the services check who may change what and audit it — never here. The app's
admin module is shared by its parts, so :func:`register` is called from ``interaction.wiring``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from gongkai.interaction.channels.models import Channel, HotlineProgramme, Metric, ServicePoint


class HotlineProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "broadcaster", "active", "sort_order"]
    list_filter = ["active"]
    search_fields = ["name"]
    list_select_related = ["broadcaster"]


class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "kind", "active", "sort_order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "agency__name"]
    list_select_related = ["agency"]


class ChannelForm(forms.ModelForm):
    """The figures reported, as checkboxes rather than JSON."""

    metrics = forms.MultipleChoiceField(
        label=Channel._meta.get_field("metrics").verbose_name,
        choices=Metric.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=Channel._meta.get_field("metrics").help_text,
    )

    class Meta:
        model = Channel
        fields = ["agency", "name", "kind", "metrics", "opened_on", "active", "sort_order"]

    def clean_metrics(self) -> list[str]:
        chosen = set(self.cleaned_data["metrics"])
        return [metric.value for metric in Metric if metric.value in chosen]


class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ["name", "agency", "kind", "opened_on", "active", "sort_order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "agency__name"]
    list_select_related = ["agency"]


def register(site: Any = admin.site) -> None:
    """Register the configuration models (once: a second call changes nothing)."""
    for model, model_admin in (
        (HotlineProgramme, HotlineProgrammeAdmin),
        (ServicePoint, ServicePointAdmin),
        (Channel, ChannelAdmin),
    ):
        if not site.is_registered(model):
            site.register(model, model_admin)
