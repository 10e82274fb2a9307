"""The applications' entry in the workbench navigation (called from
``InfoRequestsConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.info_requests.permissions import has_request_role, may_edit_notice_templates
from gongkai.workbench.navigation import register_nav_entry


def register_workbench_nav() -> None:
    """One entry, the queue of applications, for the office and the agencies' handlers,
    legal reviewers and heads."""
    register_nav_entry(
        "info_requests",
        _("Applications"),
        "info_requests_staff:queue",
        order=30,
        visible=has_request_role,
    )
    # The notice templates and settings, for those who may edit some agency's.
    register_nav_entry(
        "notice_templates",
        _("Notice templates"),
        "info_requests_staff:notice_template_index",
        order=35,
        visible=may_edit_notice_templates,
    )
