"""The surveys' entries in the portal's and the workbench's menus (from ``wiring.connect``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.interaction.surveys.permissions import works_on_surveys
from gongkai.portal.navigation import register_nav_entry as register_portal_entry
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    """The public list of surveys (在线调查) and the workbench's survey list."""
    register_portal_entry("surveys", _("Online surveys"), "surveys:index", order=54)
    register_workbench_entry(
        "surveys", _("Surveys"), "surveys_staff:index", order=54, visible=works_on_surveys
    )
