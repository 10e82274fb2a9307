"""The letters' entry in the workbench's menu (called from ``interaction.wiring.connect``; the
public pages are reached from the 政民互动 column, ``interaction.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.interaction.letters.permissions import has_letter_role
from gongkai.workbench.navigation import register_nav_entry as register_workbench_entry


def register() -> None:
    register_workbench_entry(
        "letters", _("Letters"), "letters_staff:queue", order=40, visible=has_letter_role
    )
