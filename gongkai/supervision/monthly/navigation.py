"""Monthly performance in the portal's menu and the workbench's (called from ``shells``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry as register_portal_entry
from gongkai.supervision.monthly.permissions import works_here
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    # After the public's own channels (letters 50 … services 56): what the government reports
    # about its own work.
    register_portal_entry("performance", _("Monthly performance"), "monthly:index", order=72)
    register_workbench_entry(
        "monthly", _("Monthly performance"), "monthly_staff:index", order=72, visible=works_here
    )
    register_workbench_entry(
        "site_health", _("Site health"), "monthly_staff:health", order=73, visible=works_here
    )
