"""Who may do what with annual reports.

The disclosure office (公开办) prepares the government's report and may prepare any agency's;
an agency's editors and head prepare the agency's own. Sending a report for publication makes
a catalogue document of the reporting body, so it also needs that body's editor role — the
catalogue's own rule, not bypassed here; the review and publication are the catalogue's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import has_role, held_roles, is_office
from gongkai.catalogue import permissions as catalogue_permissions
from gongkai.reports.annual.models import AnnualReport

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
PREPARING_ROLES = (Role.EDITOR, Role.HEAD)


def can_prepare(user: UserLike, agency: Agency, scope: str) -> bool:
    """Create the report and edit its prose."""
    if is_office(user):
        return True
    return scope == AnnualReport.Scope.AGENCY and has_role(user, agency, *PREPARING_ROLES)


def can_prepare_report(user: UserLike, report: AnnualReport) -> bool:
    return can_prepare(user, report.agency, report.scope)


def can_view(user: UserLike, report: AnnualReport) -> bool:
    """Read the report in the workbench (with the records behind its numbers)."""
    return can_prepare_report(user, report)


def can_send_for_publication(user: UserLike, report: AnnualReport) -> bool:
    """Send to the catalogue's confidentiality review: preparer and the body's editor."""
    return can_prepare_report(user, report) and catalogue_permissions.can_create_document(
        user, report.agency
    )


def reports_visible_to(user: UserLike) -> QuerySet[AnnualReport]:
    reports = AnnualReport.objects.select_related("agency", "document")
    if is_office(user):
        return reports
    agencies = [agency_id for agency_id, role in held_roles(user) if role in PREPARING_ROLES]
    return reports.filter(scope=AnnualReport.Scope.AGENCY, agency_id__in=agencies)


def agencies_for_new_report(user: UserLike) -> QuerySet[Agency]:
    """The bodies ``user`` may create an agency report for."""
    if is_office(user):
        return Agency.objects.order_by("sort_order", "name")
    ids = [agency_id for agency_id, role in held_roles(user) if role in PREPARING_ROLES]
    return Agency.objects.filter(pk__in=ids).order_by("sort_order", "name")
