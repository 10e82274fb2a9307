"""Items assessment puts in staff queues (registered with the workbench): for an assessor, the
hand scores still required on the indicators assigned to them; for the office, a year's
scorecards ready to be published once the year is over."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User


def assessment_items(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    """A handful of items at most: one per unpublished active scheme, one per indicator."""
    from gongkai.supervision.assessment import permissions, selectors
    from gongkai.supervision.assessment.models import IndicatorScheme

    if not permissions.can_manage_schemes(user):
        return
    today = timezone.localdate()
    schemes = IndicatorScheme.objects.filter(
        state=IndicatorScheme.State.ACTIVE, published_at__isnull=True
    ).order_by("year")
    for scheme in schemes:
        end = selectors.assessed_until(scheme.year, today=today)
        if end is None:
            continue
        for indicator, lacking in selectors.missing_hand_scores(scheme, end=end):
            if indicator.assessor_id not in (None, user.pk):
                continue
            yield QueueItem(
                title=_("%(year)s: %(code)s %(name)s — %(count)s agencies to score")
                % {
                    "year": scheme.year,
                    "code": indicator.code,
                    "name": indicator.name,
                    "count": lacking,
                },
                url=reverse("assessment_staff:hand_scores", args=[indicator.pk]),
                due=None,
                state=gettext_lazy("to score"),
                kind=gettext_lazy("hand scores"),
            )
        if selectors.year_is_over(scheme.year, today=today):
            yield QueueItem(
                title=_("Scorecards of %(year)s ready to publish") % {"year": scheme.year},
                url=reverse("assessment_staff:scheme_detail", args=[scheme.pk]),
                due=None,
                state=scheme.get_state_display(),
                kind=gettext_lazy("scorecards"),
            )


def register() -> None:
    register_queue_source(assessment_items)
