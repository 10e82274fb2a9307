"""Consultations on drafts (建议征集): the draft and its articles, attachments, the public's
comments, the feedback report (采纳情况) and the history.

A consultation is published by its agency's reviewer after the confidentiality review, takes
comments between its opening and closing dates (days in Asia/Shanghai, both included), is
closed (on its closing date, or early), and ends with the published feedback: how many
comments came in, which were adopted, partly adopted or not adopted and why, linked to the
final document in the catalogue. States change only through ``consultations.workflow`` in the
services.

A commenter's contact is kept for the agency alone: no public page, feed, event or audit entry
carries it.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency

# Opening and closing dates are days of the government's calendar, whatever TIME_ZONE says.
CONSULTATION_TZ = ZoneInfo("Asia/Shanghai")


class Consultation(models.Model):
    """A draft put to the public for comments (征求意见稿), by one agency."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")  # the editor prepares it; not public
        OPEN = "open", _("published")  # public; takes comments between its dates
        CLOSED = "closed", _("closed")  # no more comments; the feedback is being written
        FEEDBACK = "feedback", _("feedback published")  # 采纳情况 public; final

    class Moderation(models.TextChoices):
        BEFORE = "before", _("moderated before showing")  # 先审后发
        AT_ONCE = "at_once", _("shown at once")  # 先发后审: shown, may be hidden later

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="public_consultations",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)  # 起草说明: purpose and main points
    body = models.TextField(_("text of the draft"), blank=True)  # sanitised HTML
    opens_on = models.DateField(_("open for comments from"))
    closes_on = models.DateField(_("open for comments until"))
    moderation = models.CharField(_("comments"), max_length=16, choices=Moderation.choices)
    final_document = models.ForeignKey(  # the document adopted in the end (catalogue)
        "catalogue.Document",
        verbose_name=_("final document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_early = models.BooleanField(_("closed early"), default=False)
    feedback_published_at = models.DateTimeField(_("feedback published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        indexes = [
            models.Index(fields=["state", "-opens_on"], name="consultation_public_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(published_at__isnull=False),
                name="consultation_public_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(final_document__isnull=True) | models.Q(state="feedback"),
                name="consultation_final_document_with_feedback",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def opens_at(self) -> datetime.datetime:
        """The first moment comments are taken: the opening day's midnight in Shanghai."""
        return datetime.datetime.combine(self.opens_on, datetime.time.min, tzinfo=CONSULTATION_TZ)

    @property
    def closes_at(self) -> datetime.datetime:
        """The first moment comments are no longer taken: the end of the closing day."""
        day = self.closes_on + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=CONSULTATION_TZ)

    @property
    def is_public(self) -> bool:
        return self.state != self.State.DRAFT


class ConsultationArticle(models.Model):
    """One article (条) of a draft split for comments article by article."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="articles",
    )
    number = models.CharField(_("number"), max_length=30)  # 第一条
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["consultation", "order", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "order"], name="consultation_article_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.heading}".strip()


def attachment_path(instance: ConsultationAttachment, filename: str) -> str:
    """A random storage name, as for the catalogue: the original name is kept in a field."""
    import secrets

    return f"consultations/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class ConsultationAttachment(models.Model):
    """A file of a consultation (the draft as a document, an explanation, a table …), public
    once the consultation is published; its type is read from the content."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("extracted text"), blank=True)  # for the screening
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["consultation", "sort_order", "id"]
        verbose_name = _("consultation attachment")
        verbose_name_plural = _("consultation attachments")

    def __str__(self) -> str:
        return self.original_name


class Decision(models.TextChoices):
    """What became of a comment or a group of comments (采纳情况)."""

    ADOPTED = "adopted", _("adopted")  # 采纳
    PARTLY = "partly", _("partly adopted")  # 部分采纳
    NOT_ADOPTED = "not_adopted", _("not adopted")  # 未采纳, with the reason


class Feedback(models.Model):
    """The feedback report of a consultation (采纳情况), written after it closed and public
    with the consultation's ``feedback`` state. The figures are counted from the comments."""

    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("feedback report")
        verbose_name_plural = _("feedback reports")

    def __str__(self) -> str:
        return str(self.consultation)


class FeedbackPoint(models.Model):
    """A point made by several comments, answered once: the comments grouped under it take
    its decision."""

    feedback = models.ForeignKey(
        Feedback, verbose_name=_("feedback report"), on_delete=models.CASCADE, related_name="points"
    )
    text = models.TextField(_("point"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["feedback", "order", "id"]
        verbose_name = _("feedback point")
        verbose_name_plural = _("feedback points")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="adopted") | ~models.Q(reason=""),
                name="feedback_point_reason_unless_adopted",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class Comment(models.Model):
    """A comment of the public on the whole draft or on one article.

    ``contact`` is for the agency alone and never shown on a public page; ``name`` is shown
    only when the commenter chose so (``show_name``), else the comment is anonymous.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        SHOWN = "shown", _("shown")
        HIDDEN = "hidden", _("hidden")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    article = models.ForeignKey(  # None: on the whole draft
        ConsultationArticle,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    name = models.CharField(_("name"), max_length=50)
    contact = models.CharField(_("contact"), max_length=100)  # never public
    show_name = models.BooleanField(_("show the name"), default=False)
    text = models.TextField(_("comment"))
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    state = models.CharField(_("moderation"), max_length=16, choices=State.choices)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The feedback: a decision of its own, or the decision of the point it is grouped under.
    point = models.ForeignKey(
        FeedbackPoint,
        verbose_name=_("grouped under"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["consultation", "submitted_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["consultation", "state"], name="comment_consultation_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="hidden") | ~models.Q(hidden_reason=""),
                name="comment_hidden_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(point__isnull=True) | models.Q(decision=""),
                name="comment_decision_own_or_point",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=["", "adopted"]) | ~models.Q(decision_reason=""),
                name="comment_reason_unless_adopted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} #{self.pk}"


class ConsultationEvent(models.Model):
    """One step of a consultation's history: who did what, when, from which state to which.

    Comments are named by their number, never by their writer's name or contact.
    """

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    code = models.CharField(_("event"), max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), db_index=True)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")

    def __str__(self) -> str:
        return f"{self.consultation} {self.code}"
