"""Monthly performance and the site-health watch in the workbench's "my queue".

* The office: a table waiting to be checked or published, every warning of the last health
  check (a limit near), the site's own failures (home page, columns, letters) one by one, and
  the agencies' failures as one line pointing to the health page (they would flood the queue).
* An agency's staff: their agency's warnings and failures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.permissions import has_role, is_office
from gongkai.supervision.monthly import selectors
from gongkai.supervision.monthly.models import HealthCheck, MonthlyPublication
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User

LIMIT = 100
State = HealthCheck.State


def _title(check: HealthCheck) -> str:
    where = check.agency.name if check.agency is not None else _("The site")
    return f"{where}: {selectors.subject_label(check)}"


def _item(check: HealthCheck, url: str) -> QueueItem:
    return QueueItem(
        title=_title(check),
        url=url,
        due=check.deadline,
        state=check.get_state_display(),
        kind=gettext_lazy("site health"),
    )


def monthly_items(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    health_url = reverse("monthly_staff:health")
    every: list[HealthCheck] | None = None  # the office's rows of the latest check
    if is_office(user):
        for publication in MonthlyPublication.objects.exclude(
            state=MonthlyPublication.State.PUBLISHED
        ).order_by("year", "month")[:LIMIT]:
            yield QueueItem(
                title=_("Monthly performance %(month)s, version %(number)d")
                % {"month": f"{publication.year}-{publication.month:02d}",
                   "number": publication.version},
                url=reverse("monthly_staff:detail", args=[publication.pk]),
                due=None,
                state=publication.get_state_display(),
                kind=gettext_lazy("monthly performance"),
            )  # fmt: skip
        # The latest check's rows that need attention, read once: the office's are shown one
        # by one (warnings, and the site's own columns past their limit); the agency's own
        # rows below come from the same list.
        every = list(
            HealthCheck.objects.filter(
                checked_on=Subquery(selectors.latest_check_day_query()),
                state__in=selectors.ATTENTION,
            )
            .select_related("agency", "column")
            .order_by("deadline", "scope_key")
        )
        shown = [c for c in every if c.state == State.WARNING or c.agency_id is None]
        for check in shown[:LIMIT]:
            yield _item(check, health_url)
    if agency is None or not has_role(user, agency):
        return
    if every is not None:
        # The office's rows hold the agency's (the same states, the same order): no query.
        own = [check for check in every if check.agency_id == agency.pk][:LIMIT]
    else:
        own = list(
            HealthCheck.objects.filter(
                checked_on=Subquery(selectors.latest_check_day_query()),
                agency=agency,
                state__in=selectors.ATTENTION,
            )
            .select_related("agency", "column")
            .order_by("deadline", "scope_key")[:LIMIT]
        )
    for check in own:
        yield _item(check, f"{health_url}?agency={agency.pk}")


def register() -> None:
    register_queue_source(monthly_items)
