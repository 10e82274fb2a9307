"""The scorecards' entries in the portal's and the workbench's menus."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry as register_portal_entry
from gongkai.supervision.assessment.permissions import works_on_assessment
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    """The public scorecards (成绩单) and the workbench's assessment pages."""
    register_portal_entry("scorecards", _("Scorecards"), "assessment:index", order=74)
    register_workbench_entry(
        "assessment",
        _("Assessment"),
        "assessment_staff:index",
        order=74,
        visible=works_on_assessment,
    )
