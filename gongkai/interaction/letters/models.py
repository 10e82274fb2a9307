"""Letters (来信) to the government: the mailboxes of its leaders (区长信箱), online consultation
(网上咨询), complaints (网上投诉) and suggestions (建议).

A letter's state is changed only by ``letters.services`` through ``letters.workflow``; every
change writes a :class:`LetterEvent`, the append-only history from which the reply clock, the
queues and (later) the statistics are computed. The writer's personal data (name, phone,
e-mail) lives on :class:`Letter` only: events, audit entries and log lines name the letter by
its number, never its writer, and no public page shows it.

A replied letter whose writer agreed (``consent_to_publish``) may be published as public Q&A
(公开答复): :class:`PublishedLetter` holds the public version — the subject, the letter and the
reply with personal data masked and confirmed by a reviewer — apart from the letter, so that the
public pages and the search index never read the letter itself. The reply's date and time on
the letter and in the ``replied`` event (reply times per agency), the rating and each type's
kind (statistics by type) are kept for the statistics.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.agencies.models import Agency
from gongkai.core.clock import EventKind

DEFAULT_NUMBER_PATTERN = "LX{year}{serial:05d}"  # LX: 来信


class LetterSettings(models.Model):
    """The government's settings for letters (one row; missing means the defaults)."""

    number_pattern = models.CharField(  # tracking number, e.g. LX202400001
        _("tracking number pattern"),
        max_length=100,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_("Placeholders: {year} and {serial}, for example LX{year}{serial:05d}."),
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("due soon at (working days left)"), default=2
    )
    rating_days = models.PositiveSmallIntegerField(  # then the daily job closes it unrated
        _("time the writer has to rate a reply (working days)"), default=10
    )
    petition_agency = models.ForeignKey(  # 信访部门: where a petition is pointed to
        Agency,
        verbose_name=_("petition office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Writers whose letter is a petition (信访) are pointed to this agency."),
    )
    petition_note = models.TextField(
        _("how to reach the petition channel"),
        blank=True,
        help_text=_(
            "Address, phone, web address: shown to writers pointed to the petition channel."
        ),
    )

    class Meta:
        verbose_name = _("letter settings")
        verbose_name_plural = _("letter settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class LetterType(models.Model):
    """A kind of letter the public may write, with its reply limit (REGULATION.md §1:
    configurable per type; defaults consultation 5, complaint 10, suggestion and mailbox 15
    working days from acceptance). Each leader's mailbox is a type of its own."""

    class Kind(models.TextChoices):
        MAILBOX = "mailbox", _("leader's mailbox")  # 区长信箱 (one per leader)
        CONSULTATION = "consultation", _("consultation")  # 网上咨询
        COMPLAINT = "complaint", _("complaint")  # 网上投诉
        SUGGESTION = "suggestion", _("suggestion")  # 建议

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)  # 区长信箱, 网上咨询 …
    slug = models.SlugField(_("web name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    reply_days = models.PositiveSmallIntegerField(
        _("reply limit (working days)"),
        help_text=_("Counted from the day the letter is accepted; that day is not counted."),
    )
    leader_name = models.CharField(_("leader's name"), max_length=50, blank=True)
    leader_title = models.CharField(_("leader's title"), max_length=100, blank=True)  # 区长
    agency = models.ForeignKey(  # a mailbox's agency: its letters are addressed there
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("open for letters"), default=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("letter type")
        verbose_name_plural = _("letter types")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_days__gte=1), name="letter_type_reply_days_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="mailbox")
                | (models.Q(leader_name="") & models.Q(leader_title="")),
                name="letter_type_leader_only_for_mailboxes",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name with the leader for a mailbox: 区长信箱（张三 区长）."""
        leader = " ".join(part for part in (self.leader_name, self.leader_title) if part)
        return f"{self.name}（{leader}）" if leader else self.name


class Letter(models.Model):
    """One letter, from receipt to closing."""

    class State(models.TextChoices):
        RECEIVED = "received", _("received")  # 待受理: written online or registered
        REJECTED = "rejected", _("not accepted")  # 不予受理, with its reason (final)
        ACCEPTED = "accepted", _("accepted")  # 已受理: the clock runs; no agency yet
        HANDLING = "handling", _("being handled")  # 办理中: the handling agency's handler
        REVIEW = "review", _("in review")  # 待审核: the handling agency's reviewer
        REPLIED = "replied", _("replied")  # 已答复: waiting for the writer's rating
        CLOSED = "closed", _("closed")  # 已办结 (final)

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("letter channel", "online form")  # 网上来信
        HOTLINE = "hotline", _("hotline")  # 热线
        LETTER = "letter", _("letter by post")  # 来信（信件）
        VISIT = "visit", _("visit")  # 来访
        PHONE = "phone", _("phone call")  # 来电

    class Rejection(models.TextChoices):  # 不予受理的理由, each with its message to the writer
        ABUSIVE = "abusive", _("abusive or insulting")  # 含辱骂、攻击等内容
        DUPLICATE = "duplicate", _("duplicate of an earlier letter")  # 重复来信
        INFO_REQUEST = "info_request", _("an application for information")  # 依申请公开
        PETITION = "petition", _("a petition")  # 信访事项
        OUT_OF_SCOPE = "out_of_scope", _("otherwise out of scope")  # 其他不属于受理范围

    class Rating(models.TextChoices):  # 满意度
        SATISFIED = "satisfied", _("satisfied")  # 满意
        FAIRLY_SATISFIED = "fairly_satisfied", _("fairly satisfied")  # 基本满意
        UNSATISFIED = "unsatisfied", _("unsatisfied")  # 不满意

    number = models.CharField(
        pgettext_lazy("letter", "tracking number"), max_length=64, unique=True
    )
    query_code = models.CharField(max_length=128)  # a hash: the code is shown once
    letter_type = models.ForeignKey(
        LetterType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="letters"
    )
    channel = models.CharField(
        pgettext_lazy("letter", "channel"), max_length=16, choices=Channel.choices
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    agency = models.ForeignKey(  # the agency the writer addressed, if any
        Agency,
        verbose_name=_("agency addressed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    handling_agency = models.ForeignKey(  # 承办单位, set by the office (转办)
        Agency,
        verbose_name=_("handling agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_letters",
    )

    # The writer. Required, never on a public page, in an event, a log line or the index.
    name = models.CharField(pgettext_lazy("writer", "name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)  # required online; see services

    # What the writer wrote.
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    consent_to_publish = models.BooleanField(  # 同意公开: the Q&A part publishes only these
        _("agrees to publication"), default=False
    )

    submitted_at = models.DateTimeField(_("submitted at"))  # when it was written or typed in
    received_on = models.DateField(pgettext_lazy("letter", "receipt date"))
    accepted_on = models.DateField(_("acceptance date"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(  # the type's limit when accepted
        _("reply limit (working days)"), null=True, blank=True
    )

    # The reply: the handler's draft until the reviewer approves it.
    reply_text = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(_("reply date"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    # The writer's rating of the reply (满意度) and the one reopening it allows.
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("comment on the reply"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopened = models.BooleanField(_("reopened"), default=False)  # 重办, once

    rejection_reason = models.CharField(
        _("reason for not accepting"), max_length=16, choices=Rejection.choices, blank=True
    )
    rejection_note = models.TextField(_("note to the writer"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("closing date"), null=True, blank=True)

    # A case taken on air for follow-up (下线后调查办理) is a letter of its own, registered by
    # the office with the hotline channel and linked to the session it came from; the
    # session's follow-up figure then counts these letters (``channels.selectors``).
    hotline_session = models.ForeignKey(
        "interaction.HotlineSession",
        verbose_name=_("hotline session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_letters",
    )

    # The reply clock as last read (for queues and sorting); the events are the truth.
    due_on = models.DateField(_("due date"), null=True, blank=True)
    clock_state = models.CharField(max_length=16, blank=True)

    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [
            models.Index(fields=["state", "due_on"], name="letter_queue"),
            models.Index(fields=["handling_agency", "state"], name="letter_agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(state="rejected") & ~models.Q(rejection_reason=""))
                | (~models.Q(state="rejected") & models.Q(rejection_reason="")),
                name="letter_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(rating="") | models.Q(state__in=["replied", "closed"]),
                name="letter_rated_only_when_replied",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["replied", "closed"])
                | models.Q(replied_on__isnull=False),
                name="letter_replied_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(hotline_session__isnull=True) | models.Q(channel="hotline"),
                name="letter_follow_up_came_by_hotline",
            ),
        ]

    def __str__(self) -> str:
        return self.number  # never the writer

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.CLOSED, self.State.REJECTED)


def letter_attachment_path(instance: LetterAttachment, filename: str) -> str:
    """A random name outside any public path: files are served by permission-checked views."""
    return f"letters/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class LetterAttachment(models.Model):
    """A file the writer sent with the letter (or staff scanned from a paper letter)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=letter_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(  # None: the writer, on the online form
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("letter attachment")
        verbose_name_plural = _("letter attachments")

    def __str__(self) -> str:
        return self.original_name


class LetterEvent(models.Model):
    """One thing that happened to a letter: append-only, never edited.

    ``clock_kind``/``clock_days`` carry the event's effect on the reply clock
    (:mod:`gongkai.core.clock`); the clock is recomputed from these rows. ``comment`` is what
    staff wrote (a reason, a review comment); ``data`` holds codes, ids and dates, never the
    writer's personal data.
    """

    class Code(models.TextChoices):
        SUBMITTED = "submitted", _("written online")
        REGISTERED = "registered", _("registered by staff")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("not accepted")
        ASSIGNED = "assigned", _("assigned")  # 转办 to the first handling agency
        TRANSFERRED = "transferred", _("transferred")  # 转办 onwards, with the reason
        DRAFTED = "drafted", _("reply drafted")
        SUBMITTED_FOR_REVIEW = "submitted_for_review", _("sent for review")
        REVIEW_RETURNED = "review_returned", _("returned by the reviewer")
        REVIEW_APPROVED = "review_approved", _("approved by the reviewer")
        REPLIED = "replied", _("replied")
        RATED = "rated", _("rated by the writer")
        REOPENED = "reopened", _("reopened")  # 重办 after an unsatisfied rating
        CLOSED = "closed", _("closed")
        REMINDED = "reminded", _("reminder sent")
        OVERDUE = "overdue", _("became overdue")
        # Public Q&A (公开答复): no change of the letter's state.
        PUBLICATION_PROPOSED = "publication_proposed", _("publication as public Q&A proposed")
        PUBLISHED = "published", _("published as public Q&A")
        PUBLICATION_WITHDRAWN = "publication_withdrawn", _("public Q&A withdrawn")

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="events", verbose_name=_("letter")
    )
    code = models.CharField(_("event"), max_length=32, choices=Code.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))  # the day it happened (a registered letter's receipt)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    clock_kind = models.CharField(max_length=8, choices=EventKind.choices, blank=True)
    clock_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["on", "at", "id"]
        verbose_name = _("letter event")
        verbose_name_plural = _("letter events")
        indexes = [
            models.Index(fields=["letter", "code"], name="letter_event_code"),
            # The replies and ratings alone (Code.REPLIED, Code.RATED; about one event in
            # five), by date: the annual report counts a year's from them instead of reading
            # every event (a province's 4 million, issue 10).
            models.Index(
                fields=["on"],
                name="letter_event_counted",
                condition=models.Q(code__in=["replied", "rated"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.code} {self.on}"


class PublishedLetter(models.Model):
    """The public version of a replied letter (公开答复), kept apart from the letter.

    Proposed by the handling agency's reviewer or the office with the personal data masked
    automatically (``letters.masking``), edited and confirmed by the reviewer, public from then
    until it is withdrawn (with the reason). Only the ``public_*`` texts and the letter's type,
    handling agency and dates ever reach a public page or the search index — never the
    writer's name, phone, e-mail or files. ``letters.selectors.published_qa`` is the only gate.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")  # masked, waiting for the reviewer; not public
        PUBLISHED = "published", _("published")  # public
        WITHDRAWN = "withdrawn", _("withdrawn")  # public no longer, with the reason

    letter = models.OneToOneField(
        Letter, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="publication"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED
    )
    public_subject = models.CharField(_("public subject"), max_length=200)
    public_content = models.TextField(_("public text of the letter"))
    public_reply = models.TextField(_("public text of the reply"))
    # The reply the texts were masked from (a reopened letter is answered anew).
    reply_of = models.DateTimeField(_("reply masked"), null=True, blank=True)
    # Working days from acceptance to the reply, counted when published (None: the calendar
    # did not cover the dates).
    reply_days = models.PositiveSmallIntegerField(
        _("reply time (working days)"), null=True, blank=True
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(  # None: withdrawn by the system (the letter reopened)
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("public Q&A")
        verbose_name_plural = _("public Q&A")
        indexes = [models.Index(fields=["state", "-published_at"], name="published_letter_state")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="published_letter_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="withdrawn")
                | (models.Q(withdrawn_at__isnull=False) & ~models.Q(withdrawal_reason="")),
                name="published_letter_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.letter.number if self.letter_id else str(self.pk)  # never the writer

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED
