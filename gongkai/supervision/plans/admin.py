"""Django admin for the key tasks' settings only (the warning thresholds).

Plans, tasks and notices are worked on in the workbench, where every change goes through
``plans.services`` and writes its history; they are not edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gongkai.core.singletons import register_singleton, singleton_exists
from gongkai.supervision.plans.models import PlanSettings

register_singleton(PlanSettings)  # the admin asks whether it exists on every page


class PlanSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "blue_days", "yellow_days"]

    def has_add_permission(self, request: Any) -> bool:
        return super().has_add_permission(request) and not singleton_exists(PlanSettings)


def register() -> None:
    """Register with the admin site (from ``shells``; repeat-safe)."""
    if not admin.site.is_registered(PlanSettings):
        admin.site.register(PlanSettings, PlanSettingsAdmin)
