"""The consultations' entry in the portal's public interaction column (政民互动)."""

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry


def register() -> None:
    register_nav_entry(
        "consultations", _("Consultations on drafts"), "consultations:list", order=52
    )
