"""Every action on the monthly tables and the site-health findings.

Each service checks the actor's permission first (a refused action changes nothing), runs in
one transaction, changes a state only through ``monthly.workflow``, appends a
:class:`PublicationEvent` and writes an audit entry (``monthly.<action>``) in the same
transaction. ``actor=None`` is the system (the daily job).

    compute_month ─▶ draft ─check_publication─▶ checked ─publish_publication─▶ published
                       ▲  recompute_publication    │
                       └───────────────────────────┘
    start_correction(published month) ─▶ version n+1, draft, with its note
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import members_on
from gongkai.core import audit
from gongkai.supervision.monthly import figures, health, permissions
from gongkai.supervision.monthly.models import (
    HealthCheck,
    MonthlyFigure,
    MonthlyPublication,
    PublicationEvent,
)
from gongkai.supervision.monthly.workflow import (
    OPEN_STATES,
    MonthlyError,
    MonthlyPermissionDenied,
    transition,
)

if TYPE_CHECKING:
    from gongkai.core.models import User

State = MonthlyPublication.State
Code = PublicationEvent.Code

__all__ = [
    "check_publication",
    "compute_month",
    "members_during",
    "publish_publication",
    "recompute_publication",
    "record_health_checks",
    "start_correction",
]


# --- helpers ---------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _require(allowed: bool) -> None:
    if not allowed:
        raise MonthlyPermissionDenied(_("Only the disclosure office may do this."))


def _require_office(actor: User | None, *, system_allowed: bool = False) -> None:
    if actor is None:
        _require(system_allowed)
        return
    _require(permissions.can_manage_publications(actor))


def _event(
    publication: MonthlyPublication,
    code: str,
    *,
    actor: User | None,
    now: datetime.datetime,
    from_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> PublicationEvent:
    return PublicationEvent.objects.create(
        publication=publication,
        code=code,
        actor=actor,
        at=now,
        from_state=from_state,
        to_state=publication.state,
        comment=comment,
        data=data or {},
    )


def _audit(
    action: str, publication: MonthlyPublication, actor: User | None, **details: Any
) -> None:
    audit.record(
        f"monthly.{action}",
        actor=actor,
        obj=publication,
        details={
            "year": publication.year,
            "month": publication.month,
            "version": publication.version,
            **details,
        },
    )


def _locked(publication: MonthlyPublication) -> MonthlyPublication:
    return MonthlyPublication.objects.select_for_update().get(pk=publication.pk)


def _check_month(year: int, month: int, now: datetime.datetime) -> tuple[datetime.date, ...]:
    if not (1 <= month <= 12) or not (2000 <= year <= 2999):
        raise MonthlyError(_("Choose a month."), field="month")
    start, end = figures.month_range(year, month)
    if end >= timezone.localdate(now):
        raise MonthlyError(
            _("A month's table can be computed only once the month has ended."), field="month"
        )
    return start, end


def members_during(start: datetime.date, end: datetime.date) -> list[Agency]:
    """The member agencies of the month: members on its first or on its last day, in the
    display order (an agency that joined or left during the month has its row)."""
    ids = set(members_on(start).values_list("pk", flat=True))
    ids |= set(members_on(end).values_list("pk", flat=True))
    return list(Agency.objects.filter(pk__in=ids).order_by("sort_order", "id"))


def _fill(publication: MonthlyPublication) -> int:
    """Compute the table from the records into ``publication``'s figure rows (replacing any)."""
    if publication.state == State.PUBLISHED:  # pragma: no cover - guarded by the workflow
        raise MonthlyError(_("A published table is never recomputed."))
    start, end = figures.month_range(publication.year, publication.month)
    agencies = members_during(start, end)
    table = figures.compute_table(agencies, start, end)
    publication.figures.all().delete()
    rows = [
        MonthlyFigure(
            publication=publication,
            agency=agency,
            agency_name=agency.name,
            position=position,
            key=item.key,
            value=table[agency.pk][item.key].value,
            record_ids=list(table[agency.pk][item.key].record_ids),
        )
        for position, agency in enumerate(agencies, start=1)
        for item in figures.FIGURES
    ]
    MonthlyFigure.objects.bulk_create(rows, batch_size=500)
    return len(agencies)


# --- the monthly table -----------------------------------------------------------------------


def compute_month(
    year: int, month: int, *, actor: User | None, now: datetime.datetime | None = None
) -> MonthlyPublication:
    """Compute the table of a month that has ended, as a draft for the office to check.

    The month's first version is created; a version being prepared (draft or checked) is
    recomputed instead and goes back to draft. Refused once the month is published: a
    correction (:func:`start_correction`) makes a new version, the published one never changes.
    The office, or the system (``actor=None``: the monthly job).
    """
    _require_office(actor, system_allowed=True)
    now = _now(now)
    _check_month(year, month, now)
    with transaction.atomic():
        versions = MonthlyPublication.objects.select_for_update().filter(year=year, month=month)
        open_version = versions.filter(state__in=OPEN_STATES).first()
        if open_version is not None:
            return _recompute(open_version, actor=actor, now=now)
        if versions.exists():
            raise MonthlyError(
                _(
                    "%(month)s is published already. To change it, start a correction: it is "
                    "published as a new version."
                )
                % {"month": f"{year}-{month:02d}"}
            )
        publication = MonthlyPublication.objects.create(
            year=year, month=month, version=1, computed_at=now, computed_by=actor
        )
        count = _fill(publication)
        _event(publication, Code.COMPUTED, actor=actor, now=now, data={"agencies": count})
        _audit("compute", publication, actor, agencies=count)
    return publication


def _recompute(
    publication: MonthlyPublication, *, actor: User | None, now: datetime.datetime
) -> MonthlyPublication:
    before = transition(publication, State.DRAFT)
    publication.computed_at = now
    publication.computed_by = actor
    publication.checked_at = None
    publication.checked_by = None
    publication.save(
        update_fields=["state", "computed_at", "computed_by", "checked_at", "checked_by"]
    )
    count = _fill(publication)
    _event(publication, Code.RECOMPUTED, actor=actor, now=now, from_state=before,
           data={"agencies": count})  # fmt: skip
    _audit("recompute", publication, actor, agencies=count)
    return publication


def recompute_publication(
    publication: MonthlyPublication, *, actor: User, now: datetime.datetime | None = None
) -> MonthlyPublication:
    """Read the records again into a draft or checked table (it must be checked again)."""
    _require_office(actor)
    now = _now(now)
    with transaction.atomic():
        publication = _locked(publication)
        return _recompute(publication, actor=actor, now=now)


def check_publication(
    publication: MonthlyPublication, *, actor: User, now: datetime.datetime | None = None
) -> MonthlyPublication:
    """The office has checked the draft against what it knows: it may be published."""
    _require_office(actor)
    now = _now(now)
    with transaction.atomic():
        publication = _locked(publication)
        before = transition(publication, State.CHECKED)
        publication.checked_at = now
        publication.checked_by = actor
        publication.save(update_fields=["state", "checked_at", "checked_by"])
        _event(publication, Code.CHECKED, actor=actor, now=now, from_state=before)
        _audit("check", publication, actor)
    return publication


def publish_publication(
    publication: MonthlyPublication, *, actor: User, now: datetime.datetime | None = None
) -> MonthlyPublication:
    """Publish a checked table on the portal. From now on it never changes; a later version
    of the month (a correction) becomes the month's current table, this one stays readable."""
    _require_office(actor)
    now = _now(now)
    with transaction.atomic():
        publication = _locked(publication)
        before = transition(publication, State.PUBLISHED)
        publication.published_at = now
        publication.published_by = actor
        publication.save(update_fields=["state", "published_at", "published_by"])
        _event(publication, Code.PUBLISHED, actor=actor, now=now, from_state=before)
        _audit("publish", publication, actor)
    return publication


def start_correction(
    year: int,
    month: int,
    *,
    actor: User,
    note: str,
    now: datetime.datetime | None = None,
) -> MonthlyPublication:
    """Start a correction of a published month: version n+1, computed afresh from the records,
    with ``note`` (what is corrected and why), shown with it on the portal once published."""
    _require_office(actor)
    now = _now(now)
    note = note.strip()
    if not note:
        raise MonthlyError(
            _("Say what is corrected and why: the note is published with the table."),
            field="note",
        )
    with transaction.atomic():
        versions = MonthlyPublication.objects.select_for_update().filter(year=year, month=month)
        if versions.filter(state__in=OPEN_STATES).exists():
            raise MonthlyError(
                _("A version of this month is being prepared already: check and publish it.")
            )
        last = versions.filter(state=State.PUBLISHED).order_by("-version").first()
        if last is None:
            raise MonthlyError(_("Only a published month can be corrected."))
        publication = MonthlyPublication.objects.create(
            year=year,
            month=month,
            version=last.version + 1,
            correction_note=note,
            computed_at=now,
            computed_by=actor,
        )
        count = _fill(publication)
        _event(publication, Code.CORRECTION_STARTED, actor=actor, now=now, comment=note,
               data={"agencies": count, "corrects": last.version})  # fmt: skip
        _audit("start_correction", publication, actor, corrects=last.version)
    return publication


# --- the site-health watch -------------------------------------------------------------------

_CHECK_FIELDS = [
    "agency", "column", "subject", "state", "last_update", "deadline", "warn_from",
    "record_ids", "detail", "checked_at",
]  # fmt: skip


def record_health_checks(
    *,
    today: datetime.date | None = None,
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Record today's findings of the site-health watch: one row a watched thing, updated when
    run again the same day (and rows of things no longer watched removed). Returns how many
    things were checked. The daily job (``actor=None``) or the office."""
    if actor is not None:
        _require(permissions.can_run_health_checks(actor))
    now = _now(now)
    today = today or timezone.localdate(now)
    found = health.evaluate(today)
    with transaction.atomic():
        existing = {
            row.scope_key: row
            for row in HealthCheck.objects.select_for_update().filter(checked_on=today)
        }
        new, changed = [], []
        for finding in found:
            values = {
                "agency_id": finding.agency_id,
                "column_id": finding.column_id,
                "subject": str(finding.subject),
                "state": str(finding.state),
                "last_update": finding.last_update,
                "deadline": finding.deadline,
                "warn_from": finding.warn_from,
                "record_ids": list(finding.record_ids),
                "detail": finding.detail,
                "checked_at": now,
            }
            row = existing.pop(finding.scope_key, None)
            if row is None:
                new.append(HealthCheck(checked_on=today, scope_key=finding.scope_key, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append(row)
        HealthCheck.objects.bulk_create(new, batch_size=500)
        HealthCheck.objects.bulk_update(changed, _CHECK_FIELDS, batch_size=500)
        if existing:
            HealthCheck.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
        states: dict[str, int] = {}
        for finding in found:
            states[str(finding.state)] = states.get(str(finding.state), 0) + 1
        audit.record(
            "monthly.record_health_checks",
            actor=actor,
            details={"day": today.isoformat(), "checked": len(found), "states": states},
        )
    return len(found)
