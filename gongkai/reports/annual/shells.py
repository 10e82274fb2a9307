"""The annual report in the workbench's shells: its menu entry and the queue items of reports
due (called from ``reports.wiring``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.permissions import held_roles, is_office
from gongkai.reports.annual import permissions
from gongkai.reports.annual.models import AnnualReport
from gongkai.reports.annual.reminders import deadlines_for, stage_on
from gongkai.workbench.navigation import register_nav_entry
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User


def _prepares_reports(user: object) -> bool:
    return is_office(user) or any(  # type: ignore[arg-type]
        role in permissions.PREPARING_ROLES
        for _agency, role in held_roles(user)  # type: ignore[arg-type]
    )


def reports_due(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    """Last year's reports the user prepares, from a month before their deadline until they
    are published (a report not created yet is listed as such, for its creation)."""
    today = timezone.localdate()
    office = is_office(user)
    own = {agency_id for agency_id, role in held_roles(user) if role in permissions.PREPARING_ROLES}
    if agency is not None and not office:
        own &= {agency.pk}
    due = [
        deadline
        for deadline in deadlines_for(today)
        if stage_on(today, deadline.due) is not None
        and today.year == deadline.due.year
        and (deadline.scope != AnnualReport.Scope.GOVERNMENT or office)
    ]
    if not due:
        return
    # Every deadline's reports in one query.
    wanted = Q()
    for deadline in due:
        of_deadline = Q(year=deadline.year, scope=deadline.scope)
        if deadline.scope == AnnualReport.Scope.AGENCY:
            of_deadline &= Q(agency_id__in=own)
        wanted = wanted | of_deadline if wanted else of_deadline
    found = list(permissions.reports_visible_to(user).filter(wanted))
    for deadline in due:
        for report in found:
            if report.year != deadline.year or report.scope != deadline.scope:
                continue
            if report.document is not None and report.document.state == "published":
                continue
            yield QueueItem(
                title=str(report),
                url=reverse("reports_staff:detail", args=[report.pk]),
                due=deadline.due,
                state=_("not published"),
                kind=gettext_lazy("annual report"),
            )


def register() -> None:
    register_nav_entry(
        "annual_reports",
        gettext_lazy("Annual reports"),
        "reports_staff:index",
        order=80,
        visible=_prepares_reports,
    )
    register_queue_source(reports_due)
