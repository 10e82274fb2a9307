"""The letters' entries in the portal's menu and the workbench's (called from
``interaction.wiring.connect``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.interaction.letters.permissions import has_letter_role
from gongkai.portal.navigation import register_nav_entry as register_portal_entry
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    # Next to 依申请公开 (45): the public's other way of asking the government something.
    register_portal_entry("letters", _("Write to us"), "letters:index", order=50)
    register_workbench_entry(
        "letters", _("Letters"), "letters_staff:queue", order=40, visible=has_letter_role
    )
