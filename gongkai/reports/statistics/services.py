"""Every action on statistics submissions (统计报送).

Each service checks the actor's permission first (a refused action changes nothing), runs in
one transaction, changes a state only through ``statistics.workflow``, appends a
:class:`SubmissionEvent` and writes an audit entry (``statistics.<action>``) in the same
transaction; mail is queued inside it and sent when it commits. ``actor=None`` is the system
(the daily job). An accepted submission is locked: every service refuses to change it.

    open_submission ─▶ draft ─save_values / refresh_prefill─▶ draft
    draft ─submit_submission─▶ submitted ─accept_submission─▶ accepted
                                   └─return_submission(reason)─▶ returned ─submit─▶ resubmitted
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.core import audit
from gongkai.reports.statistics import metrics, permissions
from gongkai.reports.statistics.models import (
    StatisticsField,
    StatisticsForm,
    StatisticsSubmission,
    SubmissionEvent,
)
from gongkai.reports.statistics.periods import Period
from gongkai.reports.statistics.workflow import (
    EDITABLE_STATES,
    StatisticsError,
    StatisticsPermissionDenied,
    WorkflowError,
    transition,
)

if TYPE_CHECKING:
    from gongkai.core.models import User

State = StatisticsSubmission.State
Code = SubmissionEvent.Code
MAX_TEXT = 2000

__all__ = [
    "accept_submission",
    "computed_values",
    "open_submission",
    "refresh_prefill",
    "return_submission",
    "save_values",
    "submit_submission",
]


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _event(
    submission: StatisticsSubmission,
    code: str,
    *,
    actor: User | None,
    now: datetime.datetime,
    from_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission,
        code=code,
        actor=actor,
        at=now,
        from_state=from_state or submission.state,
        to_state=submission.state,
        comment=comment,
        data=data or {},
    )


def _audit(
    action: str, submission: StatisticsSubmission, actor: User | None, **details: Any
) -> None:
    audit.record(
        f"statistics.{action}",
        actor=actor,
        obj=submission,
        agency_id=submission.agency_id,
        details={"form": submission.form.code, "period": submission.period_key, **details},
    )


def _locked(submission: StatisticsSubmission) -> StatisticsSubmission:
    return (
        StatisticsSubmission.objects.select_for_update()
        .select_related("form", "agency")
        .get(pk=submission.pk)
    )


def _require_fill(actor: User, submission: StatisticsSubmission) -> None:
    if not permissions.can_fill(actor, submission):
        raise StatisticsPermissionDenied(
            _("Only the agency's editors or the disclosure office may fill in its statistics.")
        )


def _require_office(actor: User) -> None:
    if not permissions.can_check(actor):
        raise StatisticsPermissionDenied(_("Only the disclosure office may do this."))


def _require_editable(submission: StatisticsSubmission) -> None:
    if submission.state == State.ACCEPTED:
        raise WorkflowError(_("An accepted submission is locked: nothing in it can change."))
    if submission.state not in EDITABLE_STATES:
        raise WorkflowError(
            _("The submission is waiting for the office's check: it cannot be changed now.")
        )


def computed_values(
    form: StatisticsForm, agency_id: int, start: datetime.date, end: datetime.date
) -> dict[str, int]:
    """The form's computed fields for one agency over [start, end], from the records."""
    values: dict[str, int] = {}
    for field in form.fields.all():
        if not field.source:
            continue
        metric = metrics.metric(field.source)
        if metric is None:
            raise StatisticsError(
                _("The platform computes no metric “%(source)s”.") % {"source": field.source}
            )
        values[field.key] = metric.value(agency_id, start, end)
    return values


def open_submission(
    form: StatisticsForm,
    *,
    agency: Agency,
    period: Period,
    actor: User | None,
    now: datetime.datetime | None = None,
) -> StatisticsSubmission:
    """The agency's submission of ``form`` for ``period``, created and prefilled from the
    records if it does not exist yet (repeat-safe: an existing one is returned unchanged)."""
    if actor is not None and not permissions.can_fill(
        actor, StatisticsSubmission(form=form, agency=agency)
    ):
        raise StatisticsPermissionDenied(
            _("Only the agency's editors or the disclosure office may fill in its statistics.")
        )
    if period.kind != form.period:
        raise StatisticsError(_("The period is not one of this form's periods."))
    now = _now(now)
    if period.end >= timezone.localdate(now):
        raise StatisticsError(_("A period's statistics can be opened only once it has ended."))
    with transaction.atomic():
        existing = (
            StatisticsSubmission.objects.select_for_update()
            .filter(form=form, agency=agency, period_key=period.key)
            .first()
        )
        if existing is not None:
            return existing
        computed = computed_values(form, agency.pk, period.start, period.end)
        submission = StatisticsSubmission.objects.create(
            form=form,
            agency=agency,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on(form.due_day),
            values={key: str(value) for key, value in computed.items()},
            prefilled=computed,
            prefilled_at=now,
            created_at=now,
        )
        _event(submission, Code.OPENED, actor=actor, now=now, data={"computed": computed})
        _audit("open", submission, actor)
    return submission


def _clean_value(field: StatisticsField, raw: Any) -> str:
    text = "" if raw is None else str(raw).strip()
    if not text:
        if field.required:
            raise StatisticsError(
                _("“%(label)s” is required.") % {"label": field.label}, field=field.key
            )
        return ""
    if field.kind == StatisticsField.Kind.TEXT:
        if len(text) > MAX_TEXT:
            raise StatisticsError(
                _("“%(label)s” is longer than %(limit)d characters.")
                % {"label": field.label, "limit": MAX_TEXT},
                field=field.key,
            )
        return text
    if field.kind == StatisticsField.Kind.INTEGER:
        if not text.isdigit():
            raise StatisticsError(
                _("“%(label)s” must be a whole number, 0 or more.") % {"label": field.label},
                field=field.key,
            )
        return str(int(text))
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise StatisticsError(
            _("“%(label)s” must be a number, 0 or more.") % {"label": field.label},
            field=field.key,
        )
    return str(number.quantize(Decimal("0.01")))


def clean_values(form: StatisticsForm, values: Mapping[str, Any]) -> dict[str, str]:
    """Every field's value checked and normalised; the first problem raises."""
    return {field.key: _clean_value(field, values.get(field.key)) for field in form.fields.all()}


def save_values(
    submission: StatisticsSubmission,
    *,
    values: Mapping[str, Any],
    actor: User,
    now: datetime.datetime | None = None,
) -> StatisticsSubmission:
    """Store the values the agency typed (a draft or a returned submission). Values of
    computed fields that differ from the records are kept, and shown as edited by hand."""
    _require_fill(actor, submission)
    now = _now(now)
    with transaction.atomic():
        submission = _locked(submission)
        _require_editable(submission)
        cleaned = clean_values(submission.form, values)
        submission.values = cleaned
        submission.save(update_fields=["values"])
        _event(submission, Code.SAVED, actor=actor, now=now,
               data={"edited": submission.edited_keys()})  # fmt: skip
        _audit("save", submission, actor)
    return submission


def refresh_prefill(
    submission: StatisticsSubmission, *, actor: User, now: datetime.datetime | None = None
) -> StatisticsSubmission:
    """Read the computed fields from the records again (a draft or a returned submission);
    a value that had been changed by hand is replaced by the computed one."""
    _require_fill(actor, submission)
    now = _now(now)
    with transaction.atomic():
        submission = _locked(submission)
        _require_editable(submission)
        computed = computed_values(
            submission.form, submission.agency_id, submission.period_start, submission.period_end
        )
        submission.values = {**submission.values, **{k: str(v) for k, v in computed.items()}}
        submission.prefilled = computed
        submission.prefilled_at = now
        submission.save(update_fields=["values", "prefilled", "prefilled_at"])
        _event(submission, Code.PREFILLED, actor=actor, now=now, data={"computed": computed})
        _audit("refresh", submission, actor)
    return submission


def submit_submission(
    submission: StatisticsSubmission, *, actor: User, now: datetime.datetime | None = None
) -> StatisticsSubmission:
    """Send the submission to the office: every required field must be filled and valid.
    A returned submission becomes ``resubmitted``."""
    _require_fill(actor, submission)
    now = _now(now)
    with transaction.atomic():
        submission = _locked(submission)
        _require_editable(submission)
        submission.values = clean_values(submission.form, submission.values)
        target = State.RESUBMITTED if submission.state == State.RETURNED else State.SUBMITTED
        before = transition(submission, target)
        submission.submitted_at = now
        submission.submitted_by = actor
        submission.save(update_fields=["state", "values", "submitted_at", "submitted_by"])
        code = Code.RESUBMITTED if target == State.RESUBMITTED else Code.SUBMITTED
        late = timezone.localdate(now) > submission.due_on
        data = {"edited": submission.edited_keys(), "late": late}
        _event(submission, code, actor=actor, now=now, from_state=before, data=data)
        _audit("submit", submission, actor)
    return submission


def return_submission(
    submission: StatisticsSubmission,
    *,
    reason: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> StatisticsSubmission:
    """The office sends a submitted form back to the agency, saying what to correct."""
    _require_office(actor)
    reason = reason.strip()
    if not reason:
        raise StatisticsError(_("Say why the submission is returned."), field="reason")
    now = _now(now)
    with transaction.atomic():
        submission = _locked(submission)
        before = transition(submission, State.RETURNED)
        submission.return_reason = reason
        submission.save(update_fields=["state", "return_reason"])
        _event(submission, Code.RETURNED, actor=actor, now=now, from_state=before, comment=reason)
        _audit("return", submission, actor)
    return submission


def accept_submission(
    submission: StatisticsSubmission, *, actor: User, now: datetime.datetime | None = None
) -> StatisticsSubmission:
    """The office accepts a submitted form: from now on it is locked."""
    _require_office(actor)
    now = _now(now)
    with transaction.atomic():
        submission = _locked(submission)
        before = transition(submission, State.ACCEPTED)
        submission.accepted_at = now
        submission.accepted_by = actor
        submission.save(update_fields=["state", "accepted_at", "accepted_by"])
        _event(submission, Code.ACCEPTED, actor=actor, now=now, from_state=before)
        _audit("accept", submission, actor)
    return submission
