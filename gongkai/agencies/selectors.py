"""Queries about agencies that pages, the API and reports share."""

from __future__ import annotations

from gongkai.agencies.models import SiteIdentity


def site_identity() -> SiteIdentity:
    """The site's identity; an unsaved default when the administrator has not set it yet."""
    identity = SiteIdentity.objects.select_related("government").filter(pk=1).first()
    return identity or SiteIdentity(pk=1, site_name="Gongkai")
