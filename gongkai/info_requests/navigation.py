"""The portal's entry for applications (依申请公开)."""

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry


def register() -> None:
    register_nav_entry("info_requests", _("Apply for information"), "info_requests:apply", order=45)
