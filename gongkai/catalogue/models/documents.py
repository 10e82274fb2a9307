"""Documents (政府信息) of the catalogue, their attachments, versions, relations and history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models.taxonomy import Column, Genre, StatutoryItem, Topic


class Document(models.Model):
    """One catalogue entry: a piece of government information and its statutory metadata.

    The state is changed only by ``catalogue.workflow`` through the services. What the public
    sees is the last published version (``DocumentVersion``); the fields here are the working
    copy the editor changes, which becomes a new version when it is approved and published.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")  # 政府文件 and other government information
        NEWS = "news", _("news item")  # 工作动态: lighter form, no 文号 required
        INTERPRETATION = "interpretation", _("policy interpretation")  # 政策解读

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")  # the editor works on it
        SUBMITTED = "submitted", _("in confidentiality review")  # 保密审查 by a reviewer
        APPROVED = "approved", _("approved")  # waiting for its scheduled publication
        PUBLISHED = "published", _("published")  # public
        WITHDRAWN = "withdrawn", _("withdrawn")  # removed from every public page

    class Validity(models.TextChoices):
        VALID = "valid", _("valid")  # 有效
        EXPIRED = "expired", _("expired")  # 失效
        REPEALED = "repealed", _("repealed")  # 废止
        AMENDED = "amended", _("amended")  # 已修订

    class Manner(models.TextChoices):
        PROACTIVE = "proactive", _("proactive disclosure")  # 主动公开
        ON_REQUEST = "on_request", _("disclosure on application")  # 依申请公开
        WITHHELD = "withheld", _("not disclosed")  # 不予公开

    class InterpretationFormat(models.TextChoices):
        TEXT = "text", _("text")  # 文字解读
        GRAPHIC = "graphic", _("graphic")  # 图解
        VIDEO = "video", _("video")  # 视频解读

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DOCUMENT)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    co_issuers = models.ManyToManyField(
        Agency, verbose_name=_("co-issuing agencies"), blank=True, related_name="co_issued"
    )
    index_number = models.CharField(  # 索引号: allocated at first publication, never changed
        _("index number"), max_length=64, null=True, blank=True, unique=True
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)  # 内容概述
    body = models.TextField(_("body"), blank=True)  # sanitised HTML
    formation_date = models.DateField(_("formation date"), null=True, blank=True)  # 成文日期
    changed_date = models.DateField(  # REG 26: the clock also runs from a change
        _("date of change"), null=True, blank=True
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    # An amendment of a published document (修订): the document stays published (the public
    # reads its last DocumentVersion) while the working copy goes through draft, review and
    # approval again; empty when no amendment is in progress. See ``catalogue.workflow``.
    amendment_state = models.CharField(
        _("amendment state"), max_length=16, choices=State.choices, blank=True, db_index=True
    )
    scheduled_for = models.DateTimeField(_("scheduled publication"), null=True, blank=True)
    doc_number = models.CharField(_("document number"), max_length=64, blank=True)  # 文号
    doc_number_key = models.CharField(  # normalised 文号: 〔2014〕, [2014], (2014) find the same
        _("normalised document number"), max_length=64, blank=True, db_index=True
    )
    statutory_item = models.ForeignKey(
        StatutoryItem,
        verbose_name=_("statutory item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    genre = models.ForeignKey(
        Genre,
        verbose_name=_("genre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)  # 主题词
    columns = models.ManyToManyField(
        Column, verbose_name=_("columns"), blank=True, related_name="documents"
    )
    validity = models.CharField(
        _("validity"), max_length=16, choices=Validity.choices, default=Validity.VALID
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    repeal_date = models.DateField(_("repeal date"), null=True, blank=True)
    manner = models.CharField(  # 公开属性, set when the document is made (源头认定)
        _("disclosure manner"), max_length=16, choices=Manner.choices, default=Manner.PROACTIVE
    )
    manner_reason = models.TextField(_("reason for the disclosure manner"), blank=True)
    reassess_on = models.DateField(  # REG 18: withheld documents come back for re-assessment
        _("re-assess on"), null=True, blank=True, db_index=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)  # 信息来源
    is_normative = models.BooleanField(_("normative document"), default=False)  # 行政规范性文件
    needs_interpretation = models.BooleanField(_("needs an interpretation"), default=False)
    interprets = models.ManyToManyField(  # an interpretation's policies (三同步)
        "self",
        verbose_name=_("interpreted policies"),
        blank=True,
        symmetrical=False,
        related_name="interpretations",
    )
    interpretation_format = models.CharField(
        _("interpretation format"),
        max_length=16,
        choices=InterpretationFormat.choices,
        blank=True,
    )
    video_url = models.URLField(_("video address"), blank=True)
    legacy = models.BooleanField(_("imported from an earlier system"), default=False)
    version = models.PositiveIntegerField(_("version"), default=0)  # the published version
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["state", "-published_at"], name="document_public_order"),
            models.Index(fields=["agency", "state", "-published_at"], name="document_agency_order"),
            # The annual report counts a year's public documents of its agencies by kind and
            # need of interpretation: covering, so that the count never reads the documents'
            # rows (their text) — a province's 200,000 a year (issue 10, docs/performance.md).
            models.Index(
                fields=[
                    *("agency", "state", "published_at"),
                    *("manner", "kind", "needs_interpretation"),
                ],
                name="document_agency_published",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(index_number__isnull=False),
                name="document_published_has_index_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="document_published_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(amendment_state="")
                | models.Q(
                    state="published", amendment_state__in=["draft", "submitted", "approved"]
                ),
                name="document_amendment_of_published",
            ),
            models.CheckConstraint(
                condition=~models.Q(manner="withheld") | ~models.Q(manner_reason=""),
                name="document_withheld_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def working_state(self) -> str:
        """The state of the working copy: the amendment's while one is in progress."""
        return self.amendment_state or self.state

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED and self.manner == self.Manner.PROACTIVE


class DocumentVersion(models.Model):
    """A published version, frozen: what the public saw from ``published_at`` on.

    An amendment after publication makes a new version; staff see every version and the
    differences between them.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    metadata = models.JSONField(_("metadata"), default=dict)
    published_at = models.DateTimeField(_("publication time"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class DocumentRelation(models.Model):
    """A later document amends or repeals an earlier one; the earlier page says so."""

    class Kind(models.TextChoices):
        AMENDS = "amends", _("amends")  # 修订
        REPEALS = "repeals", _("repeals")  # 废止
        REPLACES = "replaces", _("replaces")  # 替代

    source = models.ForeignKey(
        Document,
        verbose_name=_("later document"),
        on_delete=models.PROTECT,
        related_name="relations_out",
    )
    target = models.ForeignKey(
        Document,
        verbose_name=_("earlier document"),
        on_delete=models.PROTECT,
        related_name="relations_in",
    )
    kind = models.CharField(_("relation"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document relation")
        verbose_name_plural = _("document relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="document_relation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="document_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class NormativeRegistration(models.Model):
    """统一登记、统一编号: a normative document's registration number in the register."""

    document = models.OneToOneField(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="registration",
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("registration number"), max_length=64, unique=True)
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["year", "serial"]
        verbose_name = _("normative document registration")
        verbose_name_plural = _("normative document register")

    def __str__(self) -> str:
        return self.number


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random storage name: the original name is kept in ``original_name`` only."""
    import secrets

    return f"attachments/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file of a document: PDF, DOCX, XLSX or an image, its type checked by content.

    While an amendment of a published document is in progress, the public keeps seeing the
    attachments of the published version: a file added meanwhile is ``added`` (not public
    yet), one removed is ``removed`` (still public) until the amendment is published.
    """

    class PendingChange(models.TextChoices):
        NONE = "", _("as published")
        ADDED = "added", _("added by the amendment")  # not public until it is published
        REMOVED = "removed", _("removed by the amendment")  # public until it is published

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("extracted text"), blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    pending_change = models.CharField(
        _("pending change"), max_length=8, choices=PendingChange.choices, blank=True, default=""
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["document", "sort_order", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class DocumentEvent(models.Model):
    """One step of a document's history: who did what, when, from which state to which."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="events"
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
        verbose_name = _("document event")
        verbose_name_plural = _("document events")

    def __str__(self) -> str:
        return f"{self.document} {self.code}"


class ScreeningFinding(models.Model):
    """A hit of the pre-publication screening, shown in context to the reviewer.

    Secrecy markings block approval; personal data blocks approval unless the reviewer records
    why it may stand (``accepted_reason``), for example an official's office phone.
    """

    class Kind(models.TextChoices):
        SECRECY = "secrecy", _("secrecy marking")  # 绝密, 机密, 秘密, ★, 内部资料 …
        RESIDENT_ID = "resident_id", _("resident ID number")
        MOBILE = "mobile", _("mobile number")
        LANDLINE = "phone_landline", _("landline number")
        BANK_CARD = "bank_card", _("bank card number")
        EMAIL = "email", _("e-mail address")
        SENSITIVE = "sensitive", _("sensitive expression")
        MISTAKEN = "mistaken", _("commonly mistaken expression")

    class Severity(models.TextChoices):
        BLOCKING = "blocking", _("blocks approval")
        NEEDS_REASON = "needs_reason", _("needs the reviewer's reason")
        WARNING = "warning", _("warning")

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    run = models.PositiveIntegerField(_("screening run"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    location = models.CharField(_("where"), max_length=300)  # title, body, or an attachment
    snippet = models.CharField(_("context"), max_length=300)  # personal data masked
    suggestion = models.CharField(_("suggestion"), max_length=200, blank=True)
    accepted_reason = models.TextField(_("why it may stand"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["document", "run", "id"]
        verbose_name = _("screening finding")
        verbose_name_plural = _("screening findings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.snippet}"
