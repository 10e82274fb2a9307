"""Items the catalogue puts in staff queues (registered with the workbench).

* Editors: their agency's drafts with the REG 26 publication clock, drafts the reviewer sent
  back, and published policies still missing their interpretation.
* Reviewers: submitted documents of their agency, earliest due date first (not their own).
* The disclosure office: withheld documents due for re-assessment (REG 18) and policies
  missing interpretations, across agencies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Document
    from gongkai.core.models import User

LIMIT = 100  # items per list: the queue stays bounded; the catalogue pages list the rest


def _url(document: Document) -> str:
    return reverse("catalogue_staff:document_detail", args=[document.pk])


def catalogue_items(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    """The catalogue's work waiting for ``user`` at ``agency``."""
    from gongkai.agencies.models import StaffRole
    from gongkai.agencies.permissions import has_role, is_office
    from gongkai.catalogue import clocks
    from gongkai.catalogue.selectors import staff

    Role = StaffRole.Role
    office = is_office(user)
    # The office's list of missing interpretations covers every agency: read it once.
    every_missing = clocks.interpretations_missing() if office else None
    if agency is not None and has_role(user, agency, Role.EDITOR):
        for document in staff.drafts_with_last_review_step(agency)[:LIMIT]:
            rejected = document.last_review_step == "rejected"  # type: ignore[attr-defined]
            yield QueueItem(
                title=document.title,
                url=_url(document),
                due=clocks.publication_due_date(document),
                state=_("returned by the reviewer") if rejected else _("draft"),
                kind=_("document to publish"),
            )
        own_missing = (
            [m for m in every_missing if m.document.agency_id == agency.pk]
            if every_missing is not None
            else clocks.interpretations_missing(agency=agency)
        )
        for missing in own_missing[:LIMIT]:
            yield QueueItem(
                title=missing.document.title,
                url=_url(missing.document),
                due=missing.due,
                state=_("interpretation missing"),
                kind=_("policy interpretation"),
            )
    if agency is not None and has_role(user, agency, Role.REVIEWER):
        for document in staff.submitted_for_review(user, agency)[:LIMIT]:
            yield QueueItem(
                title=document.title,
                url=_url(document),
                due=clocks.publication_due_date(document),
                state=_("in confidentiality review"),
                kind=_("document review"),
            )
    if every_missing is not None:
        for document in staff.reassessments_due()[:LIMIT]:
            yield QueueItem(
                title=document.title,
                url=_url(document),
                due=document.reassess_on,
                state=_("withheld"),
                kind=_("re-assessment of a withheld document"),
            )
        for missing in every_missing[:LIMIT]:
            yield QueueItem(
                title=f"{missing.document.agency}: {missing.document.title}",
                url=_url(missing.document),
                due=missing.due,
                state=_("interpretation missing"),
                kind=_("policy interpretation"),
            )


def register() -> None:
    """Register the catalogue's queue sources with the workbench."""
    register_queue_source(catalogue_items)
