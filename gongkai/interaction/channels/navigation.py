"""The portal's entry for the hotline, services and channels (/services/)."""

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry


def register() -> None:
    register_nav_entry("services", _("Hotline and services"), "channels:index", order=56)
