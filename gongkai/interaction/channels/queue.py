"""Items this part puts in staff queues (registered with the workbench): the matters of public
opinion still waiting for a response, for the responsible agency's editors and the office."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User

LIMIT = 100  # the queue stays bounded; the opinion list shows the rest


def opinion_items(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    """Open matters of the agency chosen (every agency's for the office), oldest first. They
    have no statutory deadline, so they come after the items that do."""
    from gongkai.agencies.permissions import is_office
    from gongkai.interaction.channels import permissions, selectors

    if is_office(user):
        agencies = None
    elif agency is not None and permissions.can_enter_figures(user, agency):
        agencies = permissions.figure_agencies_for(user).filter(pk=agency.pk)
    else:
        return
    for opinion in selectors.open_opinions(agencies)[:LIMIT]:
        yield QueueItem(
            title=f"{opinion.agency.display_name}: {opinion.topic}",
            url=reverse("channels_staff:opinion_detail", args=[opinion.pk]),
            due=None,
            state=opinion.get_state_display(),
            kind=_("response to public opinion"),
        )


def register() -> None:
    register_queue_source(opinion_items)
