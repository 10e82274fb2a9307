"""The workbench's entry for hotline sessions, service logs, channel figures and opinion
responses (called from ``interaction.wiring``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.interaction.channels.permissions import works_on_channels
from gongkai.workbench.navigation import register_nav_entry


def register_workbench_nav() -> None:
    """One entry, the yearly summary with its entry pages, for editors and the office."""
    register_nav_entry(
        "channels",
        _("Hotline and services"),
        "channels_staff:summary",
        order=60,
        visible=works_on_channels,
    )
