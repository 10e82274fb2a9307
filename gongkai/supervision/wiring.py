"""Explicit registration of each part of supervision with the shells (the portal's menu, the
workbench's menu and queue), called from ``AppConfig.ready``."""

from __future__ import annotations


def connect() -> None:
    """Each part registers itself here, one call a part (its ``shells.register``)."""
    from gongkai.supervision.assessment import shells as assessment
    from gongkai.supervision.monthly import shells as monthly
    from gongkai.supervision.plans import shells as plans

    plans.register()
    monthly.register()
    assessment.register()
