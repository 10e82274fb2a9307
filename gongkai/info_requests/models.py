"""Information requests (政府信息公开申请) and everything that happens to them.

An application's state is changed only by ``info_requests.services`` through
``info_requests.workflow``; every change writes a :class:`RequestEvent`, the append-only history
from which the reply clock, the queues' figures and the annual report's table 三 are computed.
The applicant's personal data lives on :class:`InfoRequest` and its files only: events, audit
entries and log lines name the application by its number, never its applicant.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.clock import EventKind
from gongkai.info_requests.outcomes import Exemption, Outcome
from gongkai.info_requests.rules import RULE_SET_CHOICES

DEFAULT_NUMBER_PATTERN = "YSQ{year}{serial:05d}"


class RequestPolicy(models.Model):
    """The government's settings for applications (one row; missing means the defaults)."""

    number_pattern = models.CharField(  # tracking number, e.g. YSQ202400001
        _("tracking number pattern"),
        max_length=100,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_("Placeholders: {year} and {serial}, for example YSQ{year}{serial:05d}."),
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("due soon at (working days left)"), default=3
    )
    correction_days = models.PositiveSmallIntegerField(  # the applicant's time to correct
        _("time given to correct (working days)"), default=15
    )
    fee_pauses_clock = models.BooleanField(  # FEE: configurable, default suspended
        _("an unpaid fee notice pauses the reply clock"), default=True
    )

    class Meta:
        verbose_name = _("application settings")
        verbose_name_plural = _("application settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class AgencyRequestSettings(models.Model):
    """How one agency handles applications. Missing rows mean the defaults."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    head_approval = models.BooleanField(  # 负责人审批 after the legal review
        _("replies need the head's approval"), default=False
    )

    class Meta:
        verbose_name = _("agency application settings")
        verbose_name_plural = _("agency application settings")

    def __str__(self) -> str:
        return str(self.agency)


class InfoRequest(models.Model):
    """One application, from receipt to closing."""

    class State(models.TextChoices):
        RECEIVED = "received", _("received")  # 待受理: registered, not yet accepted
        CORRECTION = "correction", _("awaiting correction")  # 待补正 (REG 30)
        ACCEPTED = "accepted", _("accepted")  # 已受理, waiting for a handling agency
        HANDLING = "handling", _("being handled")  # 办理中 by the handling agency
        CONSULTING = "consulting", _("consulting")  # 征求意见中 (REG 32/34): clock paused
        AWAITING_FEE = "awaiting_fee", _("awaiting the fee")  # 待缴费
        LEGAL_REVIEW = "legal_review", _("in legal review")  # 合法性审查
        HEAD_APPROVAL = "head_approval", _("awaiting the head's approval")  # 负责人审批
        REPLIED = "replied", _("replied")  # 已答复: the notice is issued, the clock stopped
        DELIVERED = "delivered", _("delivered")  # 已送达
        CLOSED = "closed", _("closed")  # 已办结, with exactly one outcome

    class CaseType(models.TextChoices):
        INFORMATION = "information", _("request for information")
        RECORD_CORRECTION = "record_correction", _("request to correct a record (REG 41)")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online form")  # 网上申请
        IN_PERSON = "in_person", _("in person")  # 当面申请
        REGISTERED_MAIL = "registered_mail", _("registered mail")  # 挂号信/EMS
        ORDINARY_MAIL = "ordinary_mail", _("ordinary letter")  # 平信
        FAX = "fax", _("fax")
        EMAIL = "email", _("e-mail")
        OTHER = "other", _("other")

    class ApplicantKind(models.TextChoices):
        PERSON = "person", _("natural person")  # 自然人
        ORGANISATION = "organisation", _("legal person or other organisation")  # 法人或其他组织

    class OrganisationKind(models.TextChoices):  # table 三's columns
        BUSINESS = "business", _("commercial enterprise")  # 商业企业
        RESEARCH = "research", _("research institution")  # 科研机构
        PUBLIC_WELFARE = "public_welfare", _("public-welfare organisation")  # 社会公益组织
        LEGAL_SERVICES = "legal_services", _("legal services")  # 法律服务机构
        OTHER = "other", _("other")  # 其他

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("resident identity card")  # 居民身份证
        PASSPORT = "passport", _("passport")
        HK_MACAO = "hk_macao", _("Hong Kong and Macao residents' permit")
        TAIWAN = "taiwan", _("Taiwan residents' permit")
        FOREIGN_PERMANENT = "foreign_permanent", _("foreign permanent resident ID card")
        BUSINESS_LICENCE = "business_licence", _("business licence")  # organisations
        OTHER = "other", _("other")

    class Form(models.TextChoices):  # 获取信息的方式 (REG 29)
        PAPER = "paper", _("paper")
        ELECTRONIC = "electronic", _("electronic (e-mail)")
        DISC = "disc", _("disc or other medium")
        INSPECTION = "inspection", _("inspection on site")

    class Delivery(models.TextChoices):
        POST = "post", _("by post")
        EMAIL = "email", _("by e-mail")
        COLLECTION = "collection", _("collection in person")
        ONLINE = "online", _("online, on the status page")

    number = models.CharField(_("tracking number"), max_length=64, unique=True)
    query_code = models.CharField(max_length=128)  # a hash: the code is shown once
    case_type = models.CharField(
        _("case type"), max_length=24, choices=CaseType.choices, default=CaseType.INFORMATION
    )
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"))  # when it arrived or was typed
    received_on = models.DateField(_("receipt date"))  # the legal receipt date (REG 31)
    receipt_basis = models.CharField(_("receipt date basis"), max_length=200, blank=True)
    rule_set = models.CharField(_("rules"), max_length=8, choices=RULE_SET_CHOICES)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency asked"),
        on_delete=models.PROTECT,
        related_name="info_requests",
    )
    handling_agency = models.ForeignKey(  # 承办单位
        Agency,
        verbose_name=_("handling agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_info_requests",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )

    # The applicant (REG 29). Never on a public page, in the index, a log line or an event.
    applicant_kind = models.CharField(_("applicant"), max_length=16, choices=ApplicantKind.choices)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=16, choices=OrganisationKind.choices, blank=True
    )
    name = models.CharField(_("name"), max_length=100)  # person's or organisation's
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    id_type = models.CharField(_("identity document"), max_length=24, choices=IdType.choices)
    id_number = models.CharField(_("document number"), max_length=40)
    id_digest = models.CharField(max_length=64, db_index=True)  # keyed hash, for repeats
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    user = models.ForeignKey(  # the applicant's optional account
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="info_requests",
    )
    citizen = models.ForeignKey(  # the citizen's account it is listed under (decision 0014)
        "citizens.CitizenAccount",
        verbose_name=_("citizen account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="info_requests",
    )

    # What is asked and how it is wanted (REG 29).
    description = models.TextField(_("information requested"))
    doc_number_hint = models.CharField(_("document number"), max_length=100, blank=True)
    form = models.CharField(_("form wanted"), max_length=16, choices=Form.choices)
    delivery = models.CharField(_("how to receive it"), max_length=16, choices=Delivery.choices)
    fee_waiver_requested = models.BooleanField(_("asks for the fee to be waived"), default=False)
    fee_waiver_reason = models.TextField(_("reason for the waiver"), blank=True)
    assistance = models.TextField(  # REG 43: help with reading or audio-visual difficulties
        _("help needed"), blank=True
    )

    # Handling.
    correction_due_on = models.DateField(_("correction due"), null=True, blank=True)
    corrected = models.BooleanField(default=False)  # REG 30: a correction is asked once
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)  # the draft, then the reply issued
    referred_agency = models.CharField(  # REG 36(5): the agency to ask, where known
        _("agency to ask instead"), max_length=200, blank=True
    )
    replied_on = models.DateField(_("reply date"), null=True, blank=True)
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_note = models.CharField(_("how it was delivered"), max_length=200, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    repeat_of = models.ForeignKey(  # a possible 重复申请, flagged for the handler
        "self",
        verbose_name=_("possible repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The first answer (:func:`answering_event_condition`, the earliest by date, time and row):
    # its date and the outcome its event recorded ("" if none), kept from the events by every
    # writer of an answering event so that table 三 need not search 1.7 million events for
    # them (issue 10). The events are the truth; a test checks that the two agree.
    first_answered_on = models.DateField(null=True, blank=True, editable=False)
    first_answer_outcome = models.CharField(max_length=24, blank=True, editable=False)

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
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [
            models.Index(fields=["state", "due_on"], name="info_request_queue"),
            models.Index(fields=["handling_agency", "state"], name="info_request_agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="closed") | ~models.Q(outcome=""),
                name="info_request_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(applicant_kind="organisation") | models.Q(organisation_kind=""),
                name="info_request_organisation_kind_only_for_organisations",
            ),
        ]

    def __str__(self) -> str:
        return self.number  # never the applicant

    @property
    def masked_id_number(self) -> str:
        """The identity number for lists: first and last characters only."""
        value = self.id_number
        if len(value) <= 4:
            return "*" * len(value)
        return value[:3] + "*" * (len(value) - 5) + value[-2:]

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


def answering_event_condition() -> models.Q:
    """The events that answer an application: the reply issued (``RequestEvent.Code.REPLIED``),
    or a closing (``CLOSED``) that carries its own outcome (at receipt, or for a missed
    deadline). The annual report's table 三 reads them by their own index
    (``request_event_answer``), which holds them alone."""
    return models.Q(code="replied") | models.Q(code="closed", data__has_key="outcome")


def answers_application(code: str, data: object) -> bool:
    """:func:`answering_event_condition` of one event's ``code`` and ``data``, in Python."""
    return code == "replied" or (code == "closed" and isinstance(data, dict) and "outcome" in data)


def recorded_outcome(data: object) -> str:
    """The outcome an answering event's ``data`` records, "" if none (the report then takes the
    application's own): what ``data ->> 'outcome'`` gives, in Python."""
    value = data.get("outcome") if isinstance(data, dict) else None
    return "" if value is None else str(value)


class RequestEvent(models.Model):
    """One thing that happened to an application: append-only, never edited.

    ``clock_kind``/``clock_date``/``clock_days`` carry the event's effect on the reply clock
    (:mod:`gongkai.core.clock`), so the clock is recomputed from these rows. ``comment`` is what
    staff wrote; ``data`` holds codes and ids, never the applicant's personal data.
    """

    class Code(models.TextChoices):
        SUBMITTED = "submitted", _("submitted online")
        REGISTERED = "registered", _("registered by staff")
        ACCEPTED = "accepted", _("accepted")
        CORRECTION_REQUESTED = "correction_requested", _("correction requested")
        CORRECTED = "corrected", _("correction received")
        ASSIGNED = "assigned", _("assigned")
        TRANSFERRED = "transferred", _("transferred")
        CONSULTATION_SENT = "consultation_sent", _("consultation sent")
        CONSULTATION_ANSWERED = "consultation_answered", _("consultation answered")
        EXTENDED = "extended", _("extended")
        FEE_NOTIFIED = "fee_notified", _("fee notice issued")
        FEE_SETTLED = "fee_settled", _("fee paid or waived")
        DRAFTED = "drafted", _("reply drafted")
        SUBMITTED_FOR_REVIEW = "submitted_for_review", _("submitted for legal review")
        REVIEW_APPROVED = "review_approved", _("legal review approved")
        REVIEW_RETURNED = "review_returned", _("returned by the legal review")
        HEAD_APPROVED = "head_approved", _("approved by the head")
        HEAD_RETURNED = "head_returned", _("returned by the head")
        REPLIED = "replied", _("replied")
        DELIVERED = "delivered", _("delivered")
        CLOSED = "closed", _("closed")
        REPEAT_FLAGGED = "repeat_flagged", _("flagged as a possible repeat")
        FILE_ADDED = "file_added", _("file added")
        NOTICE_ISSUED = "notice_issued", _("notice issued")
        PROPOSED_FOR_DISCLOSURE = "proposed_for_disclosure", _("proposed for proactive disclosure")
        REMINDED = "reminded", _("reminder sent")
        OVERDUE = "overdue", _("became overdue")

    request = models.ForeignKey(
        InfoRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    code = models.CharField(_("event"), max_length=32, choices=Code.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))  # the legal date of the event (a letter's date)
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
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [
            # The answers only (about one event in eight): table 三 finds the applications
            # answered before a year and the answers of the year through it (issue 10).
            models.Index(
                fields=["request", "on"],
                name="request_event_answer",
                condition=answering_event_condition(),
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.code} {self.on}"


class WithheldPart(models.Model):
    """A part of the information withheld, with its exemption (REG 37)."""

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="withheld")
    description = models.CharField(_("part withheld"), max_length=300)
    exemption = models.CharField(_("exemption"), max_length=16, choices=Exemption.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("withheld part")
        verbose_name_plural = _("withheld parts")

    def __str__(self) -> str:
        return self.description


class Consultation(models.Model):
    """A consultation of a third party (REG 32) or of other agencies (REG 34)."""

    class Kind(models.TextChoices):
        THIRD_PARTY = "third_party", _("third party")  # 第三方
        AGENCY = "agency", _("other agency")  # 其他机关

    class Answer(models.TextChoices):
        PENDING = "", _("waiting")
        AGREES = "agrees", _("agrees to disclosure")
        OBJECTS = "objects", _("objects to disclosure")
        NO_ANSWER = "no_answer", _("no answer in time")

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="consultations")
    kind = models.CharField(_("consulted"), max_length=16, choices=Kind.choices)
    party = models.CharField(_("name"), max_length=200)
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer due"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.party


def request_file_path(instance: RequestFile, filename: str) -> str:
    """A random name outside any public path: files are served by permission-checked views."""
    return f"requests/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class RequestFile(models.Model):
    class Kind(models.TextChoices):
        IDENTITY = "identity", _("identity document scan")  # never leaves the case
        ORIGINAL = "original", _("scan of the original application")
        CORRECTION = "correction", _("correction")
        RELEASED = "released", _("information released")  # the applicant may download it
        REDACTED = "redacted", _("redacted copy released")  # REG 37; the applicant may too
        UNREDACTED = "unredacted", _("original of a redacted copy")  # kept apart, never sent
        CORRESPONDENCE = "correspondence", _("correspondence")
        OTHER = "other", _("other")

    RELEASABLE = frozenset({Kind.RELEASED, Kind.REDACTED})
    # What the applicant sent or was sent: each download is a read of personal data, and the
    # anonymisation after the retention period deletes them (``info_requests.retention``).
    PERSONAL = frozenset({Kind.IDENTITY, Kind.ORIGINAL, Kind.CORRECTION, Kind.CORRESPONDENCE})

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=request_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("request file")
        verbose_name_plural = _("request files")

    def __str__(self) -> str:
        return self.original_name


class FeeNotice(models.Model):
    """A processing-fee notice (收费通知, REG 42): basis, standard, amount, how to pay."""

    class Method(models.TextChoices):
        PER_APPLICATION = "per_application", _("per application")  # 按件计收
        PER_PAGE = "per_page", _("per page")  # 按量计收

    class Settlement(models.TextChoices):
        OPEN = "", _("unpaid")
        PAID = "paid", _("paid")
        WAIVED = "waived", _("waived")
        LAPSED = "lapsed", _("not paid in time")

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="fees")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    quantity = models.PositiveIntegerField(_("applications this month or pages"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    basis = models.TextField(_("basis and standard"))
    payment = models.TextField(_("how to pay"), blank=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("payment due"))
    settlement = models.CharField(
        _("settlement"), max_length=8, choices=Settlement.choices, blank=True
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settlement_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("fee notice")
        verbose_name_plural = _("fee notices")

    def __str__(self) -> str:
        return f"{self.request} {self.amount}"


class Remedy(models.Model):
    """Administrative reconsideration or litigation about an application (table 四)."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", _("administrative reconsideration")  # 行政复议
        LITIGATION = "litigation", _("litigation without reconsideration")  # 未经复议直接起诉
        LITIGATION_AFTER = "litigation_after", _("litigation after reconsideration")  # 复议后起诉

    class Result(models.TextChoices):
        PENDING = "", _("not yet decided")  # 尚未审结
        UPHELD = "upheld", _("upheld")  # 维持
        CORRECTED = "corrected", _("corrected")  # 纠正
        OTHER = "other", _("other result")  # 其他结果

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    body = models.CharField(_("reconsideration body or court"), max_length=200)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    filed_on = models.DateField(_("filed on"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("reconsideration or litigation")
        verbose_name_plural = _("reconsiderations and litigation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="") | models.Q(decided_on__isnull=False),
                name="remedy_result_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.get_kind_display()}"


from gongkai.info_requests.notice_models import (  # noqa: E402, F401
    Notice,
    NoticeSettings,
    NoticeTemplate,
)
