"""Statistics reporting in the workbench: its menu entries and the staff queue (called from
``ReportsConfig.ready``).

* The office's queue: every submission waiting for its check.
* An agency's editors and heads: their agency's submissions still to be submitted (drafts and
  returned ones), with their due day.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.permissions import has_role
from gongkai.reports.statistics import permissions, selectors
from gongkai.workbench.navigation import register_nav_entry
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User

LIMIT = 100


def statistics_items(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    kind = gettext_lazy("statistics submission")
    if permissions.can_check(user):
        rows = selectors.waiting_for_check(permissions.submissions_visible_to(user))
        for submission in rows[:LIMIT]:
            yield QueueItem(
                title=_("Check %(form)s %(period)s: %(agency)s")
                % {"form": submission.form.title, "period": submission.period_key,
                   "agency": submission.agency.name},
                url=reverse("statistics_staff:detail", args=[submission.pk]),
                due=None,
                state=submission.get_state_display(),
                kind=kind,
            )  # fmt: skip
        return
    if agency is None or not has_role(user, agency, *permissions.FILLING_ROLES):
        return
    rows = selectors.open_submissions().filter(agency=agency).order_by("due_on", "id")
    for submission in rows[:LIMIT]:
        yield QueueItem(
            title=_("Submit %(form)s %(period)s")
            % {"form": submission.form.title, "period": submission.period_key},
            url=reverse("statistics_staff:detail", args=[submission.pk]),
            due=submission.due_on,
            state=submission.get_state_display(),
            kind=kind,
        )


def register() -> None:
    from gongkai.reports.statistics import admin

    admin.register()
    register_nav_entry(
        "statistics",
        gettext_lazy("Statistics submissions"),
        "statistics_staff:index",
        order=76,
        visible=permissions.works_here,
    )
    register_nav_entry(
        "statistics_trends",
        gettext_lazy("Statistics"),
        "statistics_staff:trends",
        order=77,
        visible=permissions.can_check,
    )
    register_queue_source(statistics_items)
