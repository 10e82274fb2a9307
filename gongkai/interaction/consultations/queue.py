"""Consultations in the workbench's "my queue": what waits for an agency's reviewers.

* Comments awaiting moderation (先审后发), one item per consultation, due on its closing day
  (moderated comments should be visible while people can still answer them).
* Consultations past their closing day whose feedback (采纳情况) is not published yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import has_role
from gongkai.interaction.consultations import selectors
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User

LIMIT = 100


def consultation_items(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    """The consultations' work waiting for ``user`` at ``agency`` (its reviewers)."""
    if agency is None or not has_role(user, agency, StaffRole.Role.REVIEWER):
        return
    for consultation in selectors.comments_awaiting_moderation(agency)[:LIMIT]:
        pending = consultation.pending  # type: ignore[attr-defined]
        yield QueueItem(
            title=consultation.title,
            url=reverse("consultations_staff:comments", args=[consultation.pk]) + "?state=pending",
            due=consultation.closes_on,
            state=ngettext(
                "%(count)d comment awaiting moderation",
                "%(count)d comments awaiting moderation",
                pending,
            )
            % {"count": pending},
            kind=_("comments on a draft"),
        )
    for consultation in selectors.feedback_to_write(agency)[:LIMIT]:
        yield QueueItem(
            title=consultation.title,
            url=reverse("consultations_staff:feedback", args=[consultation.pk]),
            due=None,
            state=_("closed, feedback not published"),
            kind=_("feedback on a consultation"),
        )


def register() -> None:
    register_queue_source(consultation_items)
