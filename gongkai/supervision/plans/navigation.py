"""The key tasks' entries in the portal's menu and the workbench's (called from ``shells``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry as register_portal_entry
from gongkai.supervision.plans.permissions import has_task_role
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    # After the public's own channels (依申请公开 45, letters 50, services 56): what the
    # government promised to do this year and how far it has got.
    register_portal_entry("key_tasks", _("Key tasks"), "plans:index", order=70)
    register_workbench_entry(
        "key_tasks", _("Key tasks"), "plans_staff:index", order=70, visible=has_task_role
    )
