"""Django admin for the site-health settings only: the tables are made and published in the
workbench, through the services, never edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gongkai.core.singletons import register_singleton, singleton_exists
from gongkai.supervision.monthly.models import HealthSettings

register_singleton(HealthSettings)  # the admin asks whether it exists on every page


class HealthSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "news_days", "notice_months", "letter_months", "warn_working_days"]

    def has_add_permission(self, request: Any) -> bool:
        return super().has_add_permission(request) and not singleton_exists(HealthSettings)


def register() -> None:
    if not admin.site.is_registered(HealthSettings):
        admin.site.register(HealthSettings, HealthSettingsAdmin)
