"""Every change to hotline sessions, service logs, channel figures and opinion responses.

Each service checks the actor's permission (``channels.permissions``), validates what was
typed, runs in one transaction with the rows it changes locked, and writes an audit entry that
names the record and, for a correction, each figure's old and new value. A refused action
raises :class:`ChannelsError` (or :class:`ChannelsPermissionDenied`) and changes nothing.
``today`` is injectable for tests; it bounds every date (nothing is recorded for the future).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core import audit
from gongkai.core.models import User
from gongkai.interaction.channels import permissions, workflow
from gongkai.interaction.channels.models import (
    SERVICE_FIGURES,
    Channel,
    ChannelFigure,
    HotlineProgramme,
    HotlineSession,
    Metric,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
)
from gongkai.interaction.channels.workflow import ChannelsError, ChannelsPermissionDenied

__all__ = [
    "ChannelsError",
    "ChannelsPermissionDenied",
    "Leader",
    "close_opinion",
    "record_channel_figures",
    "record_hotline_session",
    "record_opinion",
    "record_service_log",
    "respond_to_opinion",
    "update_channel_figures",
    "update_hotline_session",
    "update_opinion",
    "update_service_log",
]

State = OpinionResponse.State

MAX_COUNT = 2_000_000_000  # below the database's integer limit; no real figure comes near
MAX_LEADERS = 20
FIRST_YEAR = 1990  # figures older than the disclosure work itself are a typing mistake


@dataclass(frozen=True)
class Leader:
    """A leader on air: a name and a title (区长, 副区长, 局长 …)."""

    name: str
    title: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title}


# --------------------------------------------------------------------------- helpers


def _today(today: datetime.date | None) -> datetime.date:
    return today if today is not None else timezone.localdate()


def _label(model: type[models.Model], name: str) -> str:
    return str(capfirst(getattr(model._meta.get_field(name), "verbose_name", name)))


def _day(value: datetime.date) -> str:
    return format_date(value, "Y-m-d")


def _count(value: object, *, label: str, field: str) -> int:
    """``value`` as a count of things: a whole number, not negative, not absurdly large."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ChannelsError(
            _("%(figure)s must be a whole number.") % {"figure": label}, field=field
        )
    if value < 0:
        raise ChannelsError(_("%(figure)s cannot be negative.") % {"figure": label}, field=field)
    if value > MAX_COUNT:
        raise ChannelsError(
            _("%(figure)s is too large: check the figure.") % {"figure": label}, field=field
        )
    return value


def _not_after_today(
    value: datetime.date | None, *, today: datetime.date, field: str, message: str
) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ChannelsError(_("Enter the date."), field=field)
    if value > today:
        raise ChannelsError(message % {"date": _day(value), "today": _day(today)}, field=field)
    return value


def _lock(instance: models.Model) -> None:
    """Lock ``instance``'s row for this transaction and refresh the instance from it."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list(
        "pk"
    ).first()
    instance.refresh_from_db()


def _save_once(instance: models.Model, message: str, field: str | None) -> None:
    """Save ``instance`` in a savepoint: a row made by someone else at the same moment (a
    unique constraint) is refused with ``message`` instead of breaking the transaction."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ChannelsError(message, field=field) from None


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{name: [old, new]}`` for each value that differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


# --------------------------------------------------------------------------- hotline


def _require_office(actor: User) -> None:
    if not permissions.can_record_hotline_sessions(actor):
        raise ChannelsPermissionDenied(_("Hotline sessions are recorded by the disclosure office."))


def _clean_leaders(leaders: Sequence[Leader]) -> list[dict[str, str]]:
    cleaned = []
    for leader in leaders:
        name, title = " ".join(leader.name.split()), " ".join(leader.title.split())
        if not name:
            raise ChannelsError(_("Give each leader's name."), field="leaders")
        if len(name) > 50 or len(title) > 100:
            raise ChannelsError(
                _("A leader's name is at most 50 characters and the title 100."), field="leaders"
            )
        cleaned.append(Leader(name, title).as_json())
    if len(cleaned) > MAX_LEADERS:
        raise ChannelsError(
            _("At most %(count)d leaders may be listed for a session.") % {"count": MAX_LEADERS},
            field="leaders",
        )
    return cleaned


def _hotline_values(
    *,
    aired_on: datetime.date,
    leaders: Sequence[Leader],
    topics: str,
    calls: int,
    answered_on_air: int,
    follow_ups: int,
    notes: str,
    today: datetime.date,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "aired_on": _not_after_today(
            aired_on,
            today=today,
            field="aired_on",
            message=_("The date on air (%(date)s) cannot be after today (%(today)s)."),
        ),
        "leaders": _clean_leaders(leaders),
        "topics": topics.strip(),
        "notes": notes.strip(),
    }
    for name, value in (
        ("calls", calls),
        ("answered_on_air", answered_on_air),
        ("follow_ups", follow_ups),
    ):
        values[name] = _count(value, label=_label(HotlineSession, name), field=name)
    if values["answered_on_air"] > values["calls"]:
        raise ChannelsError(
            _(
                "Questions answered on air (%(answered)d) cannot be more than the calls taken "
                "(%(calls)d)."
            )
            % {"answered": values["answered_on_air"], "calls": values["calls"]},
            field="answered_on_air",
        )
    if values["follow_ups"] > values["calls"]:
        raise ChannelsError(
            _(
                "Cases taken for follow-up (%(follow_ups)d) cannot be more than the calls taken "
                "(%(calls)d)."
            )
            % {"follow_ups": values["follow_ups"], "calls": values["calls"]},
            field="follow_ups",
        )
    return values


def _duplicate_session(programme: HotlineProgramme, aired_on: datetime.date) -> str:
    return _("%(programme)s already has a session on %(date)s.") % {
        "programme": programme.name,
        "date": _day(aired_on),
    }


def _session_snapshot(session: HotlineSession, agency_ids: Iterable[int]) -> dict[str, Any]:
    return {
        "programme": session.programme_id,
        "aired_on": session.aired_on.isoformat(),
        "leaders": session.leaders,
        "agencies": sorted(agency_ids),
        "topics": session.topics,
        "calls": session.calls,
        "answered_on_air": session.answered_on_air,
        "follow_ups": session.follow_ups,
        "notes": session.notes,
    }


def record_hotline_session(
    programme: HotlineProgramme,
    *,
    aired_on: datetime.date,
    leaders: Sequence[Leader] = (),
    agencies: Iterable[Agency] = (),
    topics: str = "",
    calls: int,
    answered_on_air: int,
    follow_ups: int,
    notes: str = "",
    actor: User,
    today: datetime.date | None = None,
) -> HotlineSession:
    """Record one broadcast of ``programme``: who was on air and how many calls came in.

    One session a programme and day; the answered and follow-up counts are parts of the calls.
    """
    _require_office(actor)
    values = _hotline_values(
        aired_on=aired_on,
        leaders=leaders,
        topics=topics,
        calls=calls,
        answered_on_air=answered_on_air,
        follow_ups=follow_ups,
        notes=notes,
        today=_today(today),
    )
    on_air = list(agencies)
    with transaction.atomic():
        HotlineProgramme.objects.select_for_update().filter(pk=programme.pk).first()
        if HotlineSession.objects.filter(programme=programme, aired_on=aired_on).exists():
            raise ChannelsError(_duplicate_session(programme, aired_on), field="aired_on")
        session = HotlineSession(programme=programme, recorded_by=actor, **values)
        _save_once(session, _duplicate_session(programme, aired_on), "aired_on")
        session.agencies.set(on_air)
        audit.record(
            "channels.record_hotline_session",
            actor=actor,
            obj=session,
            details=_session_snapshot(session, (agency.pk for agency in on_air)),
        )
    return session


def update_hotline_session(
    session: HotlineSession,
    *,
    programme: HotlineProgramme,
    aired_on: datetime.date,
    leaders: Sequence[Leader],
    agencies: Iterable[Agency],
    topics: str,
    calls: int,
    answered_on_air: int,
    follow_ups: int,
    notes: str,
    actor: User,
    today: datetime.date | None = None,
) -> HotlineSession:
    """Correct a session: its figures and details are replaced; the audit entry keeps each
    old value beside the new one."""
    _require_office(actor)
    values = _hotline_values(
        aired_on=aired_on,
        leaders=leaders,
        topics=topics,
        calls=calls,
        answered_on_air=answered_on_air,
        follow_ups=follow_ups,
        notes=notes,
        today=_today(today),
    )
    on_air = list(agencies)
    with transaction.atomic():
        _lock(session)
        before = _session_snapshot(
            session, session.agencies.values_list("pk", flat=True).order_by("pk")
        )
        clash = (
            HotlineSession.objects.filter(programme=programme, aired_on=aired_on)
            .exclude(pk=session.pk)
            .exists()
        )
        if clash:
            raise ChannelsError(_duplicate_session(programme, aired_on), field="aired_on")
        session.programme = programme
        for name, value in values.items():
            setattr(session, name, value)
        after = _session_snapshot(session, (agency.pk for agency in on_air))
        changes = _changes(before, after)
        if not changes:
            return session
        _save_once(session, _duplicate_session(programme, aired_on), "aired_on")
        session.agencies.set(on_air)
        audit.record(
            "channels.update_hotline_session",
            actor=actor,
            obj=session,
            details={"changes": changes},
        )
    return session


# --------------------------------------------------------------------------- service logs


def _require_agency(actor: User, agency: Agency) -> None:
    if not permissions.can_enter_figures(actor, agency):
        raise ChannelsPermissionDenied(
            _("You may not enter or change the figures of %(agency)s.") % {"agency": agency.name}
        )


def _service_figures(figures: Mapping[str, object]) -> dict[str, int]:
    unknown = set(figures) - set(SERVICE_FIGURES)
    if unknown:
        raise TypeError(f"Not a figure of a service log: {', '.join(sorted(unknown))}")
    return {
        name: _count(figures.get(name, 0), label=_label(ServiceLog, name), field=name)
        for name in SERVICE_FIGURES
    }


def _duplicate_log(point: ServicePoint, day: datetime.date) -> str:
    return _("%(point)s already has a log for %(date)s: correct that day instead.") % {
        "point": point.name,
        "date": _day(day),
    }


def record_service_log(
    point: ServicePoint,
    *,
    day: datetime.date,
    visitors: int = 0,
    phone_consultations: int = 0,
    files_consulted: int = 0,
    pages_copied: int = 0,
    certificates_issued: int = 0,
    actor: User,
    today: datetime.date | None = None,
) -> ServiceLog:
    """Log one day at ``point``: one row a point and day, never a day still to come."""
    _require_agency(actor, point.agency)
    _not_after_today(
        day,
        today=_today(today),
        field="date",
        message=_("A log cannot be dated after today: %(date)s is later than %(today)s."),
    )
    figures = _service_figures(
        {
            "visitors": visitors,
            "phone_consultations": phone_consultations,
            "files_consulted": files_consulted,
            "pages_copied": pages_copied,
            "certificates_issued": certificates_issued,
        }
    )
    with transaction.atomic():
        ServicePoint.objects.select_for_update().filter(pk=point.pk).first()
        if ServiceLog.objects.filter(point=point, date=day).exists():
            raise ChannelsError(_duplicate_log(point, day), field="date")
        log = ServiceLog(point=point, date=day, recorded_by=actor, **figures)
        _save_once(log, _duplicate_log(point, day), "date")
        audit.record(
            "channels.record_service_log",
            actor=actor,
            obj=log,
            agency_id=point.agency_id,
            details={"date": day.isoformat(), "figures": figures},
        )
    return log


def update_service_log(
    log: ServiceLog,
    *,
    visitors: int,
    phone_consultations: int,
    files_consulted: int,
    pages_copied: int,
    certificates_issued: int,
    actor: User,
) -> ServiceLog:
    """Replace a day's figures; the audit entry keeps each old value beside the new one."""
    _require_agency(actor, log.point.agency)
    figures = _service_figures(
        {
            "visitors": visitors,
            "phone_consultations": phone_consultations,
            "files_consulted": files_consulted,
            "pages_copied": pages_copied,
            "certificates_issued": certificates_issued,
        }
    )
    with transaction.atomic():
        _lock(log)
        changes = _changes(log.figures(), figures)
        if not changes:
            return log
        for name, value in figures.items():
            setattr(log, name, value)
        log.recorded_by = actor
        log.save(update_fields=[*SERVICE_FIGURES, "recorded_by", "updated_at"])
        audit.record(
            "channels.update_service_log",
            actor=actor,
            obj=log,
            agency_id=log.point.agency_id,
            details={"date": log.date.isoformat(), "changes": changes},
        )
    return log


# --------------------------------------------------------------------------- channel figures


def period_label(year: int, month: int | None) -> str:
    """``2014`` for a whole year, ``2014-03`` for a month."""
    return f"{year}" if month is None else f"{year}-{month:02d}"


def _check_period(
    channel: Channel, *, year: object, month: object, today: datetime.date
) -> tuple[int, int | None]:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= 9999:
        raise ChannelsError(_("Enter the year, for example 2014."), field="year")
    if month is not None and (isinstance(month, bool) or not isinstance(month, int)):
        raise ChannelsError(_("Choose the month, or the whole year."), field="month")
    if month is not None and not 1 <= month <= 12:
        raise ChannelsError(_("Choose the month, or the whole year."), field="month")
    start = datetime.date(year, month or 1, 1)
    if start > today:
        raise ChannelsError(
            _("Figures cannot be entered for %(period)s: the period has not begun.")
            % {"period": period_label(year, month)},
            field="year" if month is None else "month",
        )
    if channel.opened_on is not None:
        end = (
            datetime.date(year, 12, 31)
            if month is None
            else datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        )
        if end < channel.opened_on:
            raise ChannelsError(
                _("%(channel)s opened on %(date)s: %(period)s is before that.")
                % {
                    "channel": channel.name,
                    "date": _day(channel.opened_on),
                    "period": period_label(year, month),
                },
                field="year",
            )
    return year, month


def _channel_values(channel: Channel, values: Mapping[str, object]) -> dict[str, int]:
    allowed = set(channel.metrics or [])
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ChannelsError(
            _("%(channel)s does not report: %(figures)s.")
            % {
                "channel": channel.name,
                "figures": ", ".join(
                    str(Metric(name).label) if name in Metric.values else name for name in unknown
                ),
            }
        )
    cleaned: dict[str, int] = {}
    for name, value in values.items():
        if value is None:
            continue
        cleaned[name] = _count(value, label=str(capfirst(Metric(name).label)), field=name)
    if not cleaned:
        raise ChannelsError(_("Enter at least one figure for the period."))
    return cleaned


def _check_no_mixed_periods(channel: Channel, year: int, month: int | None) -> None:
    """A year is reported as a whole or month by month, never both: refuse the other kind."""
    rows = ChannelFigure.objects.filter(channel=channel, year=year)
    if month is not None and rows.filter(month__isnull=True).exists():
        raise ChannelsError(
            _(
                "%(channel)s reported %(year)d as a whole year: correct that year instead of "
                "entering months."
            )
            % {"channel": channel.name, "year": year},
            field="month",
        )
    if month is None and rows.filter(month__isnull=False).exists():
        raise ChannelsError(
            _(
                "%(channel)s reported %(year)d month by month: correct those months instead of "
                "entering the whole year."
            )
            % {"channel": channel.name, "year": year},
            field="month",
        )


def _period_rows(channel: Channel, year: int, month: int | None) -> models.QuerySet[ChannelFigure]:
    return ChannelFigure.objects.filter(channel=channel, year=year, month=month)


def record_channel_figures(
    channel: Channel,
    *,
    year: int,
    month: int | None,
    values: Mapping[str, int | None],
    actor: User,
    today: datetime.date | None = None,
) -> list[ChannelFigure]:
    """Enter ``channel``'s figures for a month (or the whole year with ``month`` None).

    A figure left out (or None) is not reported for the period. A period already entered is
    corrected with :func:`update_channel_figures`, not entered twice.
    """
    _require_agency(actor, channel.agency)
    year, month = _check_period(channel, year=year, month=month, today=_today(today))
    cleaned = _channel_values(channel, values)
    with transaction.atomic():
        Channel.objects.select_for_update().filter(pk=channel.pk).first()
        _check_no_mixed_periods(channel, year, month)
        duplicate = _("%(channel)s already has figures for %(period)s: correct them instead.") % {
            "channel": channel.name,
            "period": period_label(year, month),
        }
        if _period_rows(channel, year, month).exists():
            raise ChannelsError(duplicate, field="month")
        figures = [
            ChannelFigure(
                channel=channel,
                year=year,
                month=month,
                metric=name,
                value=value,
                recorded_by=actor,
            )
            for name, value in cleaned.items()
        ]
        try:
            with transaction.atomic():
                figures = ChannelFigure.objects.bulk_create(figures)
        except IntegrityError:
            raise ChannelsError(duplicate, field="month") from None
        audit.record(
            "channels.record_channel_figures",
            actor=actor,
            obj=channel,
            agency_id=channel.agency_id,
            details={"period": period_label(year, month), "values": cleaned},
        )
    return figures


def update_channel_figures(
    channel: Channel,
    *,
    year: int,
    month: int | None,
    values: Mapping[str, int | None],
    actor: User,
    today: datetime.date | None = None,
) -> list[ChannelFigure]:
    """Replace ``channel``'s figures for a period already entered: a figure left out is no
    longer reported; the audit entry keeps each old value beside the new one."""
    _require_agency(actor, channel.agency)
    year, month = _check_period(channel, year=year, month=month, today=_today(today))
    cleaned = _channel_values(channel, values)
    with transaction.atomic():
        Channel.objects.select_for_update().filter(pk=channel.pk).first()
        rows = {figure.metric: figure for figure in _period_rows(channel, year, month)}
        if not rows:
            raise ChannelsError(
                _("%(channel)s has no figures for %(period)s to correct.")
                % {"channel": channel.name, "period": period_label(year, month)}
            )
        changes = _changes({name: row.value for name, row in rows.items()}, cleaned)
        if not changes:
            return list(rows.values())
        for name, row in rows.items():
            if name not in cleaned:
                row.delete()
            elif row.value != cleaned[name]:
                row.value, row.recorded_by = cleaned[name], actor
                row.save(update_fields=["value", "recorded_by", "updated_at"])
        for name, value in cleaned.items():
            if name not in rows:
                rows[name] = ChannelFigure.objects.create(
                    channel=channel,
                    year=year,
                    month=month,
                    metric=name,
                    value=value,
                    recorded_by=actor,
                )
        audit.record(
            "channels.update_channel_figures",
            actor=actor,
            obj=channel,
            agency_id=channel.agency_id,
            details={"period": period_label(year, month), "changes": changes},
        )
    return [rows[name] for name in cleaned]


# --------------------------------------------------------------------------- opinion responses


def _opinion_values(
    *,
    topic: str,
    source: str,
    source_detail: str,
    found_on: datetime.date,
    notes: str,
    today: datetime.date,
) -> dict[str, Any]:
    topic = " ".join((topic or "").split())
    if not topic:
        raise ChannelsError(_("Give the topic."), field="topic")
    if len(topic) > 200:
        raise ChannelsError(_("The topic is at most 200 characters."), field="topic")
    if source not in OpinionResponse.Source.values:
        raise ChannelsError(_("Choose where the matter was found."), field="source")
    source_detail = " ".join((source_detail or "").split())
    if len(source_detail) > 200:
        raise ChannelsError(
            _("Where it was found is at most 200 characters."), field="source_detail"
        )
    return {
        "topic": topic,
        "source": source,
        "source_detail": source_detail,
        "found_on": _not_after_today(
            found_on,
            today=today,
            field="found_on",
            message=_("The date found (%(date)s) cannot be after today (%(today)s)."),
        ),
        "notes": (notes or "").strip(),
    }


def _opinion_snapshot(opinion: OpinionResponse) -> dict[str, Any]:
    """What ``update_opinion`` may change, as the audit entry stores it."""
    return {
        "agency": opinion.agency_id,
        "topic": opinion.topic,
        "source": opinion.source,
        "source_detail": opinion.source_detail,
        "found_on": opinion.found_on.isoformat(),
        "notes": opinion.notes,
    }


def _audit_opinion(action: str, actor: User, opinion: OpinionResponse, **details: Any) -> None:
    audit.record(
        f"channels.{action}",
        actor=actor,
        obj=opinion,
        agency_id=opinion.agency_id,
        details=details,
    )


def record_opinion(
    agency: Agency,
    *,
    topic: str,
    source: str,
    source_detail: str = "",
    found_on: datetime.date,
    notes: str = "",
    actor: User,
    today: datetime.date | None = None,
) -> OpinionResponse:
    """Record a matter of public opinion that ``agency`` is to respond to; it is open until
    a response is published or it is closed without one."""
    _require_agency(actor, agency)
    values = _opinion_values(
        topic=topic,
        source=source,
        source_detail=source_detail,
        found_on=found_on,
        notes=notes,
        today=_today(today),
    )
    with transaction.atomic():
        opinion = OpinionResponse.objects.create(agency=agency, recorded_by=actor, **values)
        _audit_opinion(
            "record_opinion",
            actor,
            opinion,
            found_on=values["found_on"].isoformat(),
            source=values["source"],
        )
    return opinion


def update_opinion(
    opinion: OpinionResponse,
    *,
    agency: Agency,
    topic: str,
    source: str,
    source_detail: str,
    found_on: datetime.date,
    notes: str,
    actor: User,
    today: datetime.date | None = None,
) -> OpinionResponse:
    """Correct what was recorded about a matter (moving it to another agency needs the right
    to enter figures for both)."""
    _require_agency(actor, opinion.agency)
    _require_agency(actor, agency)
    values = _opinion_values(
        topic=topic,
        source=source,
        source_detail=source_detail,
        found_on=found_on,
        notes=notes,
        today=_today(today),
    )
    with transaction.atomic():
        _lock(opinion)
        _require_agency(actor, opinion.agency)  # as it is now, not as the caller read it
        if opinion.responded_on is not None and values["found_on"] > opinion.responded_on:
            raise ChannelsError(
                _("The date found cannot be after the date responded (%(date)s).")
                % {"date": _day(opinion.responded_on)},
                field="found_on",
            )
        before = _opinion_snapshot(opinion)
        for name, value in values.items():
            setattr(opinion, name, value)
        opinion.agency = agency
        changes = _changes(before, _opinion_snapshot(opinion))
        if not changes:
            return opinion
        opinion.save()
        _audit_opinion("update_opinion", actor, opinion, changes=changes)
    return opinion


def _check_response(
    opinion: OpinionResponse,
    *,
    responded_on: datetime.date,
    document: Document | None,
    url: str,
    title: str,
    today: datetime.date,
) -> tuple[str, str]:
    _not_after_today(
        responded_on,
        today=today,
        field="responded_on",
        message=_("The date responded (%(date)s) cannot be after today (%(today)s)."),
    )
    if responded_on < opinion.found_on:
        raise ChannelsError(
            _("The date responded cannot be before the date found (%(date)s).")
            % {"date": _day(opinion.found_on)},
            field="responded_on",
        )
    url = (url or "").strip()
    title = " ".join((title or "").split())
    if (document is None) == (not url):
        raise ChannelsError(
            _(
                "Give the response: a document published in the catalogue, or the address of "
                "the page where it was published — one of the two."
            ),
            field="document",
        )
    if document is not None:
        if not public_document_rows().filter(pk=document.pk).exists():
            raise ChannelsError(
                _(
                    "The document chosen is not public: a response in the catalogue must be "
                    "published there first."
                ),
                field="document",
            )
        return "", ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ChannelsError(
            _("Enter the full address of the published response, beginning with https://."),
            field="url",
        ) from None
    if len(url) > 500:
        raise ChannelsError(_("The address is at most 500 characters."), field="url")
    if not title:
        raise ChannelsError(_("Give the title of the response published there."), field="title")
    if len(title) > 200:
        raise ChannelsError(_("The title is at most 200 characters."), field="title")
    return url, title


def respond_to_opinion(
    opinion: OpinionResponse,
    *,
    responded_on: datetime.date,
    document: Document | None = None,
    url: str = "",
    title: str = "",
    actor: User,
    today: datetime.date | None = None,
) -> OpinionResponse:
    """Record the response published for an open matter (or correct the one recorded): a
    public catalogue document, or the address and title of a page elsewhere."""
    _require_agency(actor, opinion.agency)
    with transaction.atomic():
        _lock(opinion)
        _require_agency(actor, opinion.agency)
        if opinion.state not in (State.OPEN, State.RESPONDED):
            raise workflow.WorkflowError(
                _("A matter closed without a public response cannot be given one.")
            )
        url, title = _check_response(
            opinion,
            responded_on=responded_on,
            document=document,
            url=url,
            title=title,
            today=_today(today),
        )
        before = {
            "document": opinion.response_document_id,
            "url": opinion.response_url,
            "title": opinion.response_title,
            "responded_on": opinion.responded_on.isoformat() if opinion.responded_on else None,
        }
        from_state = opinion.state
        if opinion.state == State.OPEN:
            workflow.transition(opinion, State.RESPONDED)
        opinion.response_document = document
        opinion.response_url = url
        opinion.response_title = title
        opinion.responded_on = responded_on
        after = {
            "document": document.pk if document is not None else None,
            "url": url,
            "title": title,
            "responded_on": responded_on.isoformat(),
        }
        changes = _changes(before, after)
        if not changes:
            return opinion
        opinion.save()
        _audit_opinion(
            "respond_to_opinion",
            actor,
            opinion,
            from_state=from_state,
            to_state=opinion.state,
            changes=changes,
        )
    return opinion


def close_opinion(opinion: OpinionResponse, *, reason: str, actor: User) -> OpinionResponse:
    """Close an open matter without a public response (assessed: none needed), saying why."""
    _require_agency(actor, opinion.agency)
    reason = (reason or "").strip()
    if not reason:
        raise ChannelsError(_("Say why no public response is needed."), field="reason")
    with transaction.atomic():
        _lock(opinion)
        _require_agency(actor, opinion.agency)
        from_state = workflow.transition(opinion, State.CLOSED)
        opinion.closing_reason = reason
        opinion.save(update_fields=["state", "closing_reason", "updated_at"])
        _audit_opinion(
            "close_opinion", actor, opinion, from_state=from_state, to_state=opinion.state
        )
    return opinion
