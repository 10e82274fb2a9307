"""The catalogue's entries in the workbench navigation (called from ``CatalogueConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import has_role
from gongkai.workbench.navigation import register_nav_entry

Role = StaffRole.Role


def _works_on_documents(user: object) -> bool:
    """Editors, reviewers and the office work on documents; others have nothing to do there."""
    return has_role(user, None, Role.EDITOR, Role.REVIEWER, Role.OFFICE)  # type: ignore[arg-type]


def _reviews(user: object) -> bool:
    return has_role(user, None, Role.REVIEWER)  # type: ignore[arg-type]


def register_workbench_nav() -> None:
    """Register the document list, the review queue and the structured lists."""
    register_nav_entry(
        "documents",
        _("Documents"),
        "catalogue_staff:document_list",
        order=20,
        visible=_works_on_documents,
    )
    register_nav_entry(
        "document_review",
        _("Review queue"),
        "catalogue_staff:review_queue",
        order=21,
        visible=_reviews,
    )
    register_nav_entry(
        "structured_lists",
        _("Structured lists"),
        "lists_staff:index",
        order=22,
        visible=_works_on_documents,
    )
