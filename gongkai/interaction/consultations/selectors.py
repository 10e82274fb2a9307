"""The queries pages, the queue and the demonstration share.

What the public may see goes through :func:`public_consultations` (anything published: never a
draft) and :func:`shown_comments` (comments a moderator let through, or shown at once):
nothing else reaches a public page. A comment's contact is never selected for the public.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.interaction.consultations.models import (
    CONSULTATION_TZ,
    Comment,
    Consultation,
    Decision,
)

State = Consultation.State
CommentState = Comment.State

PAGE_SIZE = 20  # consultations per public list page


class Phase(StrEnum):
    """Where a published consultation stands for the public, by its state and the date."""

    UPCOMING = "upcoming"  # published; comments open on the opening day
    OPEN = "open"  # taking comments
    CLOSED = "closed"  # no more comments; feedback to come
    FEEDBACK = "feedback"  # the feedback is published


PHASE_LABELS = {
    Phase.UPCOMING: _("opening soon"),
    Phase.OPEN: _("open for comments"),
    Phase.CLOSED: _("closed"),
    Phase.FEEDBACK: _("feedback published"),
}


def local_now(now: datetime.datetime | None = None) -> datetime.datetime:
    """``now`` (or the present) in Asia/Shanghai, the consultations' time zone."""
    return (now or timezone.now()).astimezone(CONSULTATION_TZ)


def phase_of(consultation: Consultation, *, now: datetime.datetime | None = None) -> Phase:
    """The public phase of a published consultation (a draft counts as upcoming)."""
    if consultation.state == State.FEEDBACK:
        return Phase.FEEDBACK
    if consultation.state == State.CLOSED:
        return Phase.CLOSED
    moment = now or timezone.now()
    if consultation.state == State.OPEN and moment >= consultation.closes_at:
        return Phase.CLOSED
    if consultation.state == State.OPEN and moment >= consultation.opens_at:
        return Phase.OPEN
    return Phase.UPCOMING


def public_consultations() -> QuerySet[Consultation]:
    """Every consultation the public may see, the latest opening first, with its agency."""
    return (
        Consultation.objects.exclude(state=State.DRAFT)
        .select_related("agency")
        .order_by("-opens_on", "-id")
    )


def _today(now: datetime.datetime | None) -> datetime.date:
    return local_now(now).date()


def in_phase(phase: str, *, now: datetime.datetime | None = None) -> QuerySet[Consultation]:
    """The public consultations in ``phase`` (see :class:`Phase`) on the day of ``now``."""
    today = _today(now)
    rows = public_consultations()
    if phase == Phase.UPCOMING:
        return rows.filter(state=State.OPEN, opens_on__gt=today)
    if phase == Phase.OPEN:
        return rows.filter(state=State.OPEN, opens_on__lte=today, closes_on__gte=today)
    if phase == Phase.CLOSED:
        return rows.filter(Q(state=State.CLOSED) | Q(state=State.OPEN, closes_on__lt=today))
    if phase == Phase.FEEDBACK:
        return rows.filter(state=State.FEEDBACK)
    return rows.none()


def public_consultation(pk: int) -> Consultation | None:
    """The published consultation ``pk``, or None (a draft does not exist for the public)."""
    return public_consultations().filter(pk=pk).first()


def shown_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The comments the public sees, oldest first; without the contact."""
    return (
        consultation.comments.filter(state=CommentState.SHOWN)
        .select_related("article", "point")
        .defer("contact", "submission_key")
        .order_by("submitted_at", "id")
    )


def shown_comment_counts(consultation: Consultation) -> dict[int | None, int]:
    """Shown comments by article (None: on the whole draft)."""
    rows = (
        consultation.comments.filter(state=CommentState.SHOWN)
        .values("article_id")
        .annotate(count=Count("id"))
    )
    return {row["article_id"]: row["count"] for row in rows}


def consultations_due_to_close(*, now: datetime.datetime | None = None) -> QuerySet[Consultation]:
    """Consultations still open after their closing day (for the daily job)."""
    return Consultation.objects.filter(state=State.OPEN, closes_on__lt=_today(now)).order_by("pk")


def pending_comments(consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.filter(state=CommentState.PENDING)


@dataclass(frozen=True)
class FeedbackCounts:
    """The figures of a feedback report, counted from the comments (never typed in)."""

    received: int  # every comment received, whatever became of it
    shown: int
    hidden: int
    pending: int
    adopted: int
    partly: int
    not_adopted: int
    undecided: int  # shown comments without a decision yet

    @property
    def answered(self) -> int:
        return self.adopted + self.partly + self.not_adopted


def effective_decision_expression() -> Coalesce:
    """A comment's decision: its group's when it is grouped under a point, else its own."""
    return Coalesce(F("point__decision"), F("decision"))


def feedback_counts(consultation: Consultation) -> FeedbackCounts:
    """Count the comments of ``consultation`` by moderation and by decision, in one query.

    Decisions count for the comments the public saw (``shown``); a hidden comment was not
    part of the consultation's record, and a pending one is not decided yet.
    """
    shown = Q(state=CommentState.SHOWN)
    decision = effective_decision_expression()
    totals = (
        Comment.objects.filter(consultation=consultation)
        .annotate(effective=decision)
        .aggregate(
            received=Count("id"),
            shown=Count("id", filter=shown),
            hidden=Count("id", filter=Q(state=CommentState.HIDDEN)),
            pending=Count("id", filter=Q(state=CommentState.PENDING)),
            adopted=Count("id", filter=shown & Q(effective=Decision.ADOPTED)),
            partly=Count("id", filter=shown & Q(effective=Decision.PARTLY)),
            not_adopted=Count("id", filter=shown & Q(effective=Decision.NOT_ADOPTED)),
            undecided=Count("id", filter=shown & (Q(effective="") | Q(effective__isnull=True))),
        )
    )
    return FeedbackCounts(**{key: int(value or 0) for key, value in totals.items()})


def comments_awaiting_moderation(agency: Agency) -> QuerySet[Consultation]:
    """``agency``'s consultations with comments awaiting moderation, each with ``pending``."""
    return (
        Consultation.objects.filter(agency=agency, state__in=(State.OPEN, State.CLOSED))
        .annotate(pending=Count("comments", filter=Q(comments__state=CommentState.PENDING)))
        .filter(pending__gt=0)
        .order_by("closes_on", "pk")
    )


def feedback_to_write(
    agency: Agency, *, now: datetime.datetime | None = None
) -> QuerySet[Consultation]:
    """``agency``'s consultations past their closing day whose feedback is not published."""
    today = _today(now)
    return (
        Consultation.objects.filter(agency=agency)
        .filter(Q(state=State.CLOSED) | Q(state=State.OPEN, closes_on__lt=today))
        .order_by("closes_on", "pk")
    )


# --------------------------------------------------------------------------- statistics (统计报送)


def consultations_published_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: list[int] | None = None
) -> dict[tuple[int, datetime.date], int]:
    """Public consultations on drafts (建议征集) published from ``start`` to ``end`` inclusive
    (local days), counted per agency and month of publication, in one query."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    before = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    rows = Consultation.objects.filter(published_at__gte=since, published_at__lt=before)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    counted = (
        rows.order_by()
        .annotate(stat_month=TruncMonth("published_at", output_field=DateField()))
        .values("agency_id", "stat_month")
        .annotate(stat_count=Count("pk"))
    )
    return {(row["agency_id"], row["stat_month"]): row["stat_count"] for row in counted}
