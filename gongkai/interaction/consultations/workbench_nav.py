"""The consultations' entry in the workbench navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.interaction.consultations.permissions import works_on_consultations
from gongkai.workbench.navigation import register_nav_entry


def register() -> None:
    """One entry, the list of consultations, for editors, reviewers and the office."""
    register_nav_entry(
        "consultations",
        _("Consultations"),
        "consultations_staff:list",
        order=45,
        visible=works_on_consultations,
    )
