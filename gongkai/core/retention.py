"""Retention (decision 0028): how long the audit trail and people's personal data are kept.

**The audit trail** is kept ``GONGKAI_AUDIT_RETENTION_DAYS`` days (default 365), never fewer
than :data:`AUDIT_MINIMUM_DAYS` — the Cybersecurity Law (网络安全法, art. 21) requires network
logs to be kept at least six months; a system check refuses a lower setting.
:func:`prune_audit_trail` (``manage.py prune_audit_trail``) deletes older entries; it is the
only path that deletes audit rows, and on PostgreSQL the append-only trigger lets a DELETE
through only for rows older than the legal minimum (migration ``core.0007``).

**Personal data** of the public — applicants, letter writers, commenters, survey respondents,
closed citizens' accounts — is anonymised ``GONGKAI_PERSONAL_DATA_YEARS`` years (default 5)
after the case closed. Each app owns what it holds and registers an anonymiser here
(:func:`register_anonymiser`, from its ``AppConfig.ready``), since ``core`` knows no app;
:func:`anonymise_personal_data` (``manage.py anonymise_personal_data``) runs them all. An
anonymiser is repeat-safe (what is anonymised is never selected again), leaves open cases
alone, keeps the case, its events, dates and outcomes — everything statistics are computed
from — and writes one audit entry per record naming the fields, never their values.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.core import audit
from gongkai.core.models import AuditEntry, OutgoingMail
from gongkai.core.text import Kind, mask_text

logger = logging.getLogger(__name__)

# What a name becomes; contacts, identity numbers and addresses become empty.
ANONYMISED = "（已匿名）"
# The Cybersecurity Law's minimum for network logs (art. 21: 不少于六个月). The PostgreSQL
# trigger of migration core.0007 holds the same number.
AUDIT_MINIMUM_DAYS = 183
DEFAULT_AUDIT_RETENTION_DAYS = 365
DEFAULT_PERSONAL_DATA_YEARS = 5
PRUNE_BATCH = 5000
# Found in free texts and masked there: what identifies a person on its own.
SCRUBBED_KINDS = (Kind.RESIDENT_ID, Kind.MOBILE, Kind.BANK_CARD, Kind.EMAIL)
MIN_OWN_VALUE = 2  # a one-character "name" would replace that character everywhere


# --- Settings ----------------------------------------------------------------------------------


def audit_retention_days() -> int:
    return int(getattr(settings, "GONGKAI_AUDIT_RETENTION_DAYS", DEFAULT_AUDIT_RETENTION_DAYS))


def personal_data_years() -> int:
    return int(getattr(settings, "GONGKAI_PERSONAL_DATA_YEARS", DEFAULT_PERSONAL_DATA_YEARS))


def years_before(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved back ``years`` years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def personal_data_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Cases closed on or before this day are anonymised."""
    return years_before(today or timezone.localdate(), personal_data_years())


def check_retention_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The system check (run by every management command and the server): the audit trail is
    kept at least six months; personal data at least a year, and a warning under five."""
    problems: list[checks.CheckMessage] = []
    try:
        days = audit_retention_days()
    except (TypeError, ValueError):
        days = None
    if days is None or days < AUDIT_MINIMUM_DAYS:
        problems.append(
            checks.Error(
                f"GONGKAI_AUDIT_RETENTION_DAYS must be a whole number of at least "
                f"{AUDIT_MINIMUM_DAYS}: the Cybersecurity Law (art. 21) requires network logs "
                f"to be kept at least six months.",
                id="gongkai.retention.E001",
            )
        )
    try:
        years = personal_data_years()
    except (TypeError, ValueError):
        years = None
    if years is None or years < 1:
        problems.append(
            checks.Error(
                "GONGKAI_PERSONAL_DATA_YEARS must be a whole number of years, at least 1.",
                id="gongkai.retention.E002",
            )
        )
    elif years < DEFAULT_PERSONAL_DATA_YEARS:
        problems.append(
            checks.Warning(
                f"GONGKAI_PERSONAL_DATA_YEARS is {years}: an applicant may still sue up to five "
                f"years after the reply (Administrative Litigation Law, art. 46), and the case "
                f"file would then have lost the applicant's identity.",
                id="gongkai.retention.W001",
            )
        )
    return problems


# --- The audit trail ---------------------------------------------------------------------------


def prune_audit_trail(*, now: datetime.datetime | None = None) -> int:
    """Delete the audit entries older than the retention; returns how many. Repeat-safe: a
    second run on the same day finds nothing (and writes nothing)."""
    days = audit_retention_days()
    if days < AUDIT_MINIMUM_DAYS:
        raise ValueError(f"GONGKAI_AUDIT_RETENTION_DAYS is below {AUDIT_MINIMUM_DAYS}.")
    # At the legal minimum, a day's margin: PostgreSQL's trigger judges a row's age by the
    # database's clock, which may run a little behind this one.
    days_kept = days if days > AUDIT_MINIMUM_DAYS else AUDIT_MINIMUM_DAYS + 1
    before = (now or timezone.now()) - datetime.timedelta(days=days_kept)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                AuditEntry.objects.filter(created_at__lt=before)
                .order_by("id")
                .values_list("id", flat=True)[:PRUNE_BATCH]
            )
            if not ids:
                break
            # AuditEntry's own queryset refuses every delete: this is the one path that may.
            count, _by_model = models.QuerySet.delete(AuditEntry.objects.filter(pk__in=ids))
            deleted += count
    if deleted:
        audit.record(
            "core.prune_audit_trail",
            actor=None,
            details={"deleted": deleted, "before": before.isoformat(), "retention_days": days},
        )
    logger.info("Audit trail pruned: %d entries before %s.", deleted, before.isoformat())
    return deleted


# --- Personal data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Anonymiser:
    """One app's anonymisation: ``run(cutoff)`` anonymises what closed on or before
    ``cutoff`` and is not anonymised yet, and returns how many records it changed."""

    name: str
    label: str | Promise
    run: Callable[[datetime.date], int]


_anonymisers: dict[str, Anonymiser] = {}


def register_anonymiser(
    name: str, label: str | Promise, run: Callable[[datetime.date], int]
) -> None:
    """Called from an app's ``AppConfig.ready``; registering a name again replaces it."""
    _anonymisers[name] = Anonymiser(name, label, run)


def anonymisers() -> list[Anonymiser]:
    return list(_anonymisers.values())


def anonymise_personal_data(*, today: datetime.date | None = None) -> dict[str, int]:
    """Run every registered anonymiser for the cases closed on or before the cutoff; returns
    the number of records each changed (all zero on a second run)."""
    cutoff = personal_data_cutoff(today)
    done = {}
    for anonymiser in anonymisers():
        done[anonymiser.name] = anonymiser.run(cutoff)
        logger.info(
            "Personal data anonymised (%s): %d records closed by %s.",
            anonymiser.name,
            done[anonymiser.name],
            cutoff.isoformat(),
        )
    return done


def scrub(text: str, *, own: Iterable[str] = ()) -> str:
    """``text`` without the person's ``own`` values (their name, phone, e-mail, identity
    number, address: each replaced by :data:`ANONYMISED`) and with the identity numbers,
    mobiles, bank cards and e-mail addresses found in it masked."""
    if not text:
        return text
    values = sorted(
        {value.strip() for value in own if value and len(value.strip()) >= MIN_OWN_VALUE},
        key=len,
        reverse=True,
    )
    for value in values:
        text = re.sub(re.escape(value), ANONYMISED, text, flags=re.IGNORECASE)
    return mask_text(text, kinds=SCRUBBED_KINDS)


def delete_file_after_commit(field: Any) -> None:
    """Delete a stored file once the transaction that dropped its row commits (a rollback
    keeps it)."""
    storage, name = field.storage, field.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def anonymise_mail(cutoff: datetime.date) -> int:
    """Finished outgoing mail (sent or given up) created before ``cutoff`` loses its
    recipient, subject and body; the row (topic, times, attempts) stays."""
    start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time()))
    with transaction.atomic():
        count = (
            OutgoingMail.objects.filter(created_at__lt=start)
            .filter(Q(sent_at__isnull=False) | Q(failed_at__isnull=False))
            .exclude(recipient="")
            .update(recipient="", subject="", body="")
        )
        if count:
            audit.record(
                "core.anonymise_mail",
                actor=None,
                details={"mails": count, "before": cutoff.isoformat()},
            )
    return count


def register() -> None:
    register_anonymiser("mail", _("outgoing mail"), anonymise_mail)
