"""The records behind a report's numbers, for staff (每个数字可追溯到记录).

A :class:`~gongkai.reports.content.Ref` names a record by kind and key; a resolver turns the
refs of one kind into rows to list — a label, a few facts and the workbench page of the record
when ``user`` may open it. Only records ``user`` may see in the workbench get a link; nothing
personal is listed (an application is shown by its tracking number, agency, dates and outcome,
never by its applicant).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gongkai.catalogue import permissions as catalogue_permissions
from gongkai.info_requests import permissions as request_permissions
from gongkai.reports.content import Ref

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike


@dataclass(frozen=True)
class RecordRow:
    kind: str  # the kind's translated name
    label: str
    facts: str = ""
    url: str = ""  # empty: the user may not open it, or the record has no page


Resolver = Callable[["UserLike", list[str]], list[RecordRow]]


def _applications(user: UserLike, keys: list[str]) -> list[RecordRow]:
    visible = request_permissions.requests_visible_to(user)
    found = {
        row.number: row
        for row in visible.filter(number__in=keys)
        .select_related("agency")
        .only("pk", "number", "received_on", "state", "outcome", "agency__name")
    }
    rows = []
    for key in keys:
        request = found.get(key)
        if request is None:
            rows.append(RecordRow(kind=_("application"), label=key))
            continue
        facts = " · ".join(
            part
            for part in (
                request.agency.name,
                _("received %(date)s") % {"date": request.received_on.isoformat()},
                request.get_state_display(),
                request.get_outcome_display() if request.outcome else "",
            )
            if part
        )
        rows.append(
            RecordRow(
                kind=_("application"),
                label=request.number,
                facts=facts,
                url=reverse("info_requests_staff:detail", args=[request.pk]),
            )
        )
    return rows


def _documents(user: UserLike, keys: list[str]) -> list[RecordRow]:
    ids = [int(key) for key in keys if key.isdigit()]
    visible = catalogue_permissions.documents_visible_to(user).filter(pk__in=ids)
    found = {d.pk: d for d in visible.select_related("agency")}
    rows = []
    for key in keys:
        document = found.get(int(key)) if key.isdigit() else None
        if document is None:
            rows.append(RecordRow(kind=_("document"), label=key))
            continue
        parts = (document.agency.name, document.doc_number, document.get_state_display())
        facts = " · ".join(part for part in parts if part)
        rows.append(
            RecordRow(
                kind=_("document"),
                label=document.title,
                facts=facts,
                url=reverse("catalogue_staff:document_detail", args=[document.pk]),
            )
        )
    return rows


def _ids(keys: list[str]) -> list[int]:
    return [int(key) for key in keys if key.isdigit()]


def _letters(user: UserLike, keys: list[str]) -> list[RecordRow]:
    from gongkai.interaction.letters.permissions import letters_visible_to

    found = {
        letter.pk: letter
        for letter in letters_visible_to(user).filter(pk__in=_ids(keys)).select_related("agency")
    }
    rows = []
    for key in keys:
        letter = found.get(int(key)) if key.isdigit() else None
        if letter is None:  # not the user's to open: listed by its key only
            rows.append(RecordRow(kind=_("letter"), label=key))
            continue
        rows.append(
            RecordRow(
                kind=_("letter"),
                label=letter.number,
                facts=" · ".join(
                    p
                    for p in (
                        letter.agency.name if letter.agency else "",
                        letter.get_state_display(),
                    )
                    if p
                ),
                url=reverse("letters_staff:detail", args=[letter.pk]),
            )
        )
    return rows


def _key_tasks(user: UserLike, keys: list[str]) -> list[RecordRow]:
    from gongkai.supervision.plans.permissions import tasks_visible_to

    found = {task.pk: task for task in tasks_visible_to(user).filter(pk__in=_ids(keys))}
    rows = []
    for key in keys:
        task = found.get(int(key)) if key.isdigit() else None
        if task is None:
            rows.append(RecordRow(kind=_("key task"), label=key))
            continue
        rows.append(
            RecordRow(
                kind=_("key task"),
                label=task.title,
                facts=task.get_state_display(),
                url=reverse("plans_staff:task", args=[task.pk]),
            )
        )
    return rows


def _list_records(user: UserLike, keys: list[str]) -> list[RecordRow]:
    """A structured list's record, by its list and agency — never its values, which may hold
    personal fields (a housing list's applicants)."""
    from gongkai.agencies.permissions import agencies_visible_to
    from gongkai.catalogue.models import ListRecord

    visible = ListRecord.objects.filter(
        pk__in=_ids(keys), agency__in=agencies_visible_to(user)
    ).select_related("record_type", "agency")
    found = {record.pk: record for record in visible}
    rows = []
    for key in keys:
        record = found.get(int(key)) if key.isdigit() else None
        if record is None:
            rows.append(RecordRow(kind=_("list record"), label=key))
            continue
        rows.append(
            RecordRow(
                kind=_("list record"),
                label=f"{record.record_type} #{record.pk}",
                facts=" · ".join((record.agency.name, record.get_state_display())),
                url=reverse("lists_staff:records", args=[record.record_type.code]),
            )
        )
    return rows


def _agencies(user: UserLike, keys: list[str]) -> list[RecordRow]:
    from gongkai.agencies.models import Agency

    found = {
        agency.slug: agency
        for agency in Agency.objects.filter(slug__in=keys)
        | Agency.objects.filter(pk__in=_ids(keys))
    }
    by_pk = {str(agency.pk): agency for agency in found.values()}
    rows = []
    for key in keys:
        agency = found.get(key) or by_pk.get(key)
        rows.append(RecordRow(kind=_("agency"), label=agency.name if agency else key))
    return rows


# The kinds no page of the workbench shows one by one: listed with their kind and key.
KIND_LABELS = {
    "membership_change": _lazy("membership change"),
    "hotline_session": _lazy("hotline session"),
    "service_point": _lazy("service log"),
    "channel": _lazy("channel figure"),
}

RESOLVERS: dict[str, Resolver] = {
    "info_request": _applications,
    "document": _documents,
    "letter": _letters,
    "key_task": _key_tasks,
    "list_record": _list_records,
    "agency": _agencies,
}


def register_resolver(kind: str, resolver: Resolver) -> None:
    """Let another part name its records (called from its app's ``ready``)."""
    RESOLVERS[kind] = resolver


def resolve(user: UserLike, refs: Iterable[Ref]) -> list[RecordRow]:
    """Rows for ``refs`` in their order, grouped by kind; a kind nobody resolves is listed by
    its key, without a link."""
    by_kind: dict[str, list[str]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.key)
    rows: list[RecordRow] = []
    for kind, keys in by_kind.items():
        resolver = RESOLVERS.get(kind)
        if resolver is None:
            label = str(KIND_LABELS.get(kind, kind))
            rows.extend(RecordRow(kind=label, label=key) for key in keys)
        else:
            rows.extend(resolver(user, keys))
    return rows
