"""Numbered notices (告知书 and other letters) of applications, and the templates they come from.

A :class:`Notice` is issued once by :func:`gongkai.info_requests.letters.issue_notice` and then
frozen: its number, text and files never change (``save()`` refuses). A wrong notice is
corrected by a new numbered notice that ``replaces`` it; the old one stays, marked replaced.

A :class:`NoticeTemplate` holds the title and text of one kind of letter for one agency (or,
without an agency, for every agency). The text uses ``str.format`` placeholders restricted to
:data:`PLACEHOLDERS`; a template with any other placeholder is refused when saved.
:class:`NoticeSettings` holds an agency's number pattern and the bodies named in the remedies
paragraph (REG 51). Why these choices: docs/decisions/0013-notice-documents.md.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.numbering import NumberingError, validate_pattern
from gongkai.info_requests.workflow import InfoRequestError

# The placeholders a template may use, each with what it is filled with. Dates are printed the
# Chinese way (2025年3月3日); a value that does not apply to the application is left empty.
PLACEHOLDERS: dict[str, Any] = {
    "number": _("the notice's number"),
    "request_number": _("the application's tracking number"),
    "applicant_name": _("the applicant's name or organisation name"),
    "received_date": _("the receipt date of the application"),
    "asked_agency": _("the name of the agency asked"),
    "agency_name": _("the name of the issuing agency"),
    "agency_contact": _("the issuing agency's address and phone"),
    "description": _("the information requested"),
    "legal_basis": _("the article applied (2019 Regulation), for example 第三十六条第（二）项"),
    "outcome_label": _("the outcome, in words"),
    "reply_text": _("the reply written by the handler"),
    "withheld_parts": _("each part withheld with its exemption and reason"),
    "referred_agency": _("the agency to ask instead (REG 36(5))"),
    "referral": _("a sentence naming the agency to ask instead, where there is one"),
    "due_date": _("the reply due date"),
    "correction_text": _("what must be corrected"),
    "correction_due_date": _("the date the correction is due"),
    "extension_days": _("the working days of the extension"),
    "extension_reason": _("the reason for the extension"),
    "consultation_party": _("the party consulted"),
    "consultation_due_date": _("the date the consulted party's answer is due"),
    "fee_amount": _("the fee amount in yuan"),
    "fee_basis": _("the basis and standard of the fee"),
    "fee_payment": _("how to pay the fee"),
    "fee_due_date": _("the date the fee is due"),
    "transfer_agency": _("the agency the application was transferred to"),
    "transfer_reason": _("the reason for the transfer"),
    "today": _("the date of the notice"),
    "remedies": _("the remedies paragraph: reconsideration and litigation (REG 51)"),
}

DEFAULT_NOTICE_NUMBER_PATTERN = "{agency_short}依申告〔{year}〕{serial}号"
NUMBER_PATTERN_SAMPLE = {
    "agency_short": "张政办",
    "org_code": "004316771",
    "year": 2026,
    "serial": 1,
}

_formatter = string.Formatter()


def template_placeholders(text: str) -> set[str]:
    """The placeholders ``text`` uses; raises ValidationError (translated) for anything else.

    Only plain names from :data:`PLACEHOLDERS` are allowed — no attribute or index access, no
    conversions or format specs — since templates are data edited by administrators. A
    literal brace is written doubled: ``{{`` and ``}}``.
    """
    try:
        parsed = list(_formatter.parse(text))
    except ValueError as error:
        raise ValidationError(
            gettext(
                "The template is malformed: every { needs a matching } (write {{ for a brace)."
            ),
            code="malformed",
        ) from error
    names: set[str] = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise ValidationError(
                gettext("Unknown placeholder “{%(name)s}” in the template. Allowed: %(allowed)s.")
                % {"name": name, "allowed": ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)},
                code="unknown_placeholder",
            )
        if spec or conversion:
            raise ValidationError(
                gettext("Write the placeholder “{%(name)s}” without a format or conversion.")
                % {"name": name},
                code="malformed",
            )
        names.add(name)
    return names


def notice_file_path(instance: Notice, filename: str) -> str:
    """A random name under ``notices/``, outside any public path: notices are served by
    permission-checked views only."""
    suffix = ".pdf" if filename.lower().endswith(".pdf") else ".docx"
    return f"notices/{secrets.token_hex(2)}/{secrets.token_hex(16)}{suffix}"


class NoticeTemplate(models.Model):
    """The title and text of one kind of letter, for one agency or (agency empty) for all.

    The reply notice has one template per outcome group (the six groups of the annual report's
    table 三), chosen by the application's outcome when the reply is issued.
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("receipt acknowledgement")  # 受理回执
        CORRECTION = "correction", _("correction notice")  # 补正告知书
        EXTENSION = "extension", _("extension notice")  # 延期答复告知书
        CONSULTATION = "consultation", _("third-party consultation letter")  # 第三方意见征询函
        FEE = "fee", _("fee notice")  # 收费通知书
        TRANSFER = "transfer", _("transfer notice")  # 转办告知书
        REPLY_DISCLOSED = "reply_disclosed", _("reply: disclosed")  # 答复告知书（予以公开）
        REPLY_PARTLY = "reply_partly", _("reply: partly disclosed")  # （部分公开）
        REPLY_WITHHELD = "reply_withheld", _("reply: withheld")  # （不予公开）
        REPLY_UNABLE = "reply_unable", _("reply: unable to provide")  # （无法提供）
        REPLY_NOT_HANDLED = "reply_not_handled", _("reply: not handled")  # （不予处理）
        REPLY_OTHER = "reply_other", _("reply: other")  # （其他处理）

    REPLY_KINDS = frozenset(
        {
            Kind.REPLY_DISCLOSED,
            Kind.REPLY_PARTLY,
            Kind.REPLY_WITHHELD,
            Kind.REPLY_UNABLE,
            Kind.REPLY_NOT_HANDLED,
            Kind.REPLY_OTHER,
        }
    )

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the template of every agency without its own."),
    )
    kind = models.CharField(_("kind of letter"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("text"),
        help_text=_(
            "The first line is the salutation, each further line a paragraph. Placeholders in "
            "braces, for example {applicant_name}; a reply must contain {remedies}."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["agency_id", "kind"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            # One template per agency and kind, and one default (no agency) per kind.
            models.UniqueConstraint(
                Coalesce("agency", models.Value(0)), "kind", name="notice_template_unique_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.agency or gettext('default')})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()  # a template with an unknown placeholder would fail only when issued
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for field_name in ("title", "body"):
            try:
                used = template_placeholders(getattr(self, field_name))
            except ValidationError as error:
                errors.setdefault(field_name, []).append(error)
                continue
            if field_name == "body" and self.kind in self.REPLY_KINDS and "remedies" not in used:
                errors.setdefault("body", []).append(
                    ValidationError(
                        gettext(
                            "A reply notice must contain the remedies paragraph {remedies} "
                            "(REG 51)."
                        ),
                        code="remedies_missing",
                    )
                )
        if errors:
            raise ValidationError(errors)


class NoticeSettings(models.Model):
    """An agency's notice settings (agency empty: the default of every agency without its own).

    Each field left empty takes the default settings' value. The reconsideration body and the
    court are named in the remedies paragraph of every reply (REG 51); left empty in both, the
    paragraph names the agency's parent (for a department, its
    people's government, which hears reconsiderations since 2024) or "the next higher
    administrative authority", and "the people's court with jurisdiction".
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the settings of every agency without its own."),
    )
    number_pattern = models.CharField(  # empty: the default settings', else the built-in one
        _("notice number pattern"),
        max_length=100,
        blank=True,
        help_text=_(
            "Placeholders: {agency_short}, {org_code}, {year} and {serial}. Empty: the default "
            "settings' pattern, else {agency_short}依申告〔{year}〕{serial}号."
        ),
    )
    reconsideration_body = models.CharField(  # 行政复议机关
        _("administrative reconsideration body"), max_length=200, blank=True
    )
    court = models.CharField(_("court for administrative litigation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notice settings")
        verbose_name_plural = _("notice settings")
        constraints = [
            models.UniqueConstraint(
                Coalesce("agency", models.Value(0)), name="notice_settings_unique_agency"
            ),
        ]

    def __str__(self) -> str:
        return str(self.agency or gettext("default"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.number_pattern:
            return
        try:
            validate_pattern(self.number_pattern, allowed=NUMBER_PATTERN_SAMPLE)
        except NumberingError as error:
            raise ValidationError({"number_pattern": str(error)}) from error


class NoticeImmutableError(InfoRequestError):
    """An issued notice was about to be changed: notices are corrected by a new notice."""


class Notice(models.Model):
    """One numbered letter as issued: its text and its DOCX and PDF files, frozen."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("receipt acknowledgement")  # 受理回执
        CORRECTION = "correction", _("correction notice")  # 补正告知书
        EXTENSION = "extension", _("extension notice")  # 延期答复告知书
        CONSULTATION = "consultation", _("third-party consultation letter")  # to a third party
        FEE = "fee", _("fee notice")  # 收费通知书
        TRANSFER = "transfer", _("transfer notice")  # 转办告知书
        REPLY = "reply", _("reply notice")  # 答复告知书, of the application's outcome

    # Letters sent to someone other than the applicant (the consultation goes to a third party).
    NOT_FOR_APPLICANT = frozenset({Kind.CONSULTATION})

    # Set when issued, never changed afterwards (save() refuses).
    FROZEN_FIELDS = (
        "request_id",
        "agency_id",
        "kind",
        "template_kind",
        "outcome",
        "number",
        "issued_on",
        "issued_by_id",
        "title",
        "body",
        "docx",
        "pdf",
        "docx_sha256",
        "pdf_sha256",
        "replaces_id",
        "reissue_reason",
        "consultation_id",
    )

    request = models.ForeignKey(
        "info_requests.InfoRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,  # an issued letter is a record: the case cannot vanish
        related_name="notices",
    )
    agency = models.ForeignKey(  # the agency that issued it (named in the signature)
        Agency, verbose_name=_("issued by agency"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of letter"), max_length=16, choices=Kind.choices)
    template_kind = models.CharField(  # the template used (for replies, the outcome group)
        max_length=24, choices=NoticeTemplate.Kind.choices
    )
    outcome = models.CharField(_("outcome"), max_length=24, blank=True)  # replies: as issued
    number = models.CharField(_("number"), max_length=100, unique=True)
    issued_on = models.DateField(_("date of the notice"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(  # empty when the deadline job issued it
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))  # as rendered: salutation, then one paragraph a line
    # Rendered from the frozen text once, when first needed (letters.render_notice).
    docx = models.FileField(_("DOCX file"), upload_to=notice_file_path, max_length=200, blank=True)
    pdf = models.FileField(_("PDF file"), upload_to=notice_file_path, max_length=200, blank=True)
    docx_sha256 = models.CharField(_("SHA-256 of the DOCX file"), max_length=64, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF file"), max_length=64, blank=True)
    replaces = models.ForeignKey(  # the notice this one corrects
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
    )
    reissue_reason = models.TextField(_("reason for the new notice"), blank=True)
    consultation = models.ForeignKey(  # a consultation letter's consultation
        "info_requests.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            # A notice is corrected once; a correction is corrected by its own replacement.
            models.UniqueConstraint(fields=["replaces"], name="notice_replaced_once"),
            models.CheckConstraint(
                condition=~models.Q(replaces=models.F("id")), name="notice_not_own_replacement"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change an issued notice; only marking it replaced (once) is allowed."""
        if self.pk is not None and not self._state.adding:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values(*[name.removesuffix("_id") for name in self.FROZEN_FIELDS], "replaced_on")
                .first()
            )
            if stored is not None:
                changed = [
                    name
                    for name in self.FROZEN_FIELDS
                    if _stored_value(self, name) != stored[name.removesuffix("_id")]
                    # The renderings are set once, from empty (an object read before that
                    # still holds the empty value: not a change).
                    and not (
                        name in RENDERED_FIELDS and "" in (_stored_value(self, name), stored[name])
                    )
                ]
                if stored["replaced_on"] is not None and self.replaced_on != stored["replaced_on"]:
                    changed.append("replaced_on")
                if changed:
                    raise NoticeImmutableError(
                        gettext(
                            "Notice %(number)s is issued and cannot be changed; issue a new "
                            "notice that replaces it."
                        )
                        % {"number": stored["number"]}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NoticeImmutableError(
            gettext("Notice %(number)s is issued and cannot be deleted.") % {"number": self.number}
        )

    @property
    def is_replaced(self) -> bool:
        return self.replaced_on is not None

    @property
    def for_applicant(self) -> bool:
        return self.kind not in self.NOT_FOR_APPLICANT


RENDERED_FIELDS = frozenset({"docx", "pdf", "docx_sha256", "pdf_sha256"})


def _stored_value(notice: Notice, name: str) -> Any:
    value = getattr(notice, name)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value
