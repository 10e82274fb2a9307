"""The catalogue's entries in the portal navigation."""

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry


def register() -> None:
    """Register the catalogue's portal navigation entries.

    ``disclosure`` takes over the shell's entry of the same key: the catalogue (公开目录) is the
    fuller page for 政府信息公开. The interpretation and key-area columns have stable addresses
    of their own, so the menu does not depend on a column's slug.
    """
    register_nav_entry(
        "disclosure", _("Government information disclosure"), "catalogue:index", order=20
    )
    register_nav_entry(
        "interpretations", _("Policy interpretations"), "catalogue:interpretations", order=30
    )
    register_nav_entry("key_areas", _("Key areas"), "catalogue:key_areas", order=40)
