"""The surveys' entry in the workbench's menu (from ``wiring.connect``; the public list is
reached from the 政民互动 column, ``interaction.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.interaction.surveys.permissions import works_on_surveys
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    """The workbench's survey list."""
    register_workbench_entry(
        "surveys", _("Surveys"), "surveys_staff:index", order=54, visible=works_on_surveys
    )
