"""Masking a letter for public Q&A (公开答复): pure functions of texts, no database.

Two passes over each text, the first winning where they overlap:

1. the writer's own name, phone and e-mail, wherever they stand (also written with spaces or
   dashes between the digits, in full-width digits, or the e-mail in capitals) — the writer
   gave them on the form, so they are found even when no general pattern would find them (a
   landline without its area code, an e-mail at a government domain);
2. the personal data :func:`gongkai.core.text.find_personal_data` finds in any text: resident
   ID numbers with a valid check digit, mobile numbers, bank cards, e-mail addresses and
   landlines. In the reply, landlines and government e-mail addresses (low risk) are left: an
   agency gives its own office number there, and the reviewer sees every text before it is
   public.

Other people's names cannot be found reliably; the reviewer, who sees the original beside the
masked text, masks them by hand. :func:`remaining_personal_data` is the check the publishing
service runs on the reviewer's final text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from gongkai.core.text import Finding, Kind, Risk, find_personal_data, fold_for_matching, mask

WRITER_NAME = "writer_name"
WRITER_PHONE = "writer_phone"
WRITER_EMAIL = "writer_email"
# An e-mail address is masked whole, its domain too: a search for the address must not find
# the letter by its domain (core's ``mask`` keeps the domain, for the reviewer's eyes).
EMAIL_MASK = "***@***"
NAME_MIN_LENGTH = 2  # a one-character "name" would mask that character everywhere
PHONE_MIN_DIGITS = 5


@dataclass(frozen=True)
class Writer:
    """What the writer gave about themselves."""

    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class Masked:
    """One text masked, with what was masked in it."""

    original: str
    text: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class MaskedLetter:
    subject: Masked
    content: Masked
    reply: Masked

    @property
    def findings(self) -> list[Finding]:
        return [*self.subject.findings, *self.content.findings, *self.reply.findings]


@lru_cache(maxsize=64)
def _writer_patterns(name: str, phone: str, email: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Patterns of the writer's name, phone and e-mail over the folded text (full-width forms
    to ASCII, capitals to small letters, positions kept)."""
    patterns: list[tuple[str, re.Pattern[str]]] = []
    name = "".join(name.split())
    if len(name) >= NAME_MIN_LENGTH:
        # 李晓华, also written 李 晓 华.
        spaced = r"\s*".join(re.escape(char) for char in fold_for_matching(name))
        patterns.append((WRITER_NAME, re.compile(spaced)))
    digits = re.sub(r"\D", "", fold_for_matching(phone))
    if len(digits) == 13 and digits.startswith("861"):  # +86 and a mobile number
        digits = digits[2:]
    if len(digits) >= PHONE_MIN_DIGITS:
        # 13987654321, also 139-8765-4321, 139 8765 4321, (0533)1234567: the same digits
        # with separators, never inside a longer run of digits.
        body = r"[\s\-()]{0,2}".join(digits)
        patterns.append((WRITER_PHONE, re.compile(rf"(?<![0-9]){body}(?![0-9])")))
    email = fold_for_matching(email.strip())
    if email:
        patterns.append(
            (WRITER_EMAIL, re.compile(rf"(?<![\w.%+-]){re.escape(email)}(?![\w-])", re.ASCII))
        )
    return tuple(patterns)


def _writer_mask(kind: str, value: str) -> str:
    if kind == WRITER_PHONE:
        digits = re.sub(r"\D", "", fold_for_matching(value))
        if len(digits) == 11 and digits.startswith("1"):
            return mask(value, Kind.MOBILE)  # 139****4321, as any mobile number
        return "*" * len(value)
    if kind == WRITER_EMAIL:
        return EMAIL_MASK
    return "*" * len(value)


def writer_findings(text: str, writer: Writer) -> list[Finding]:
    """Where the writer's own name, phone and e-mail stand in ``text``."""
    folded = fold_for_matching(text)
    found = []
    for kind, pattern in _writer_patterns(writer.name, writer.phone, writer.email):
        for match in pattern.finditer(folded):
            if match.start() == match.end():
                continue
            value = text[match.start() : match.end()]
            found.append(
                Finding(kind, match.start(), match.end(), value, _writer_mask(kind, value))
            )
    return found


def _merge(*groups: list[Finding]) -> list[Finding]:
    """The findings without overlaps, earlier groups first; in order of position."""
    taken: list[Finding] = []
    for group in groups:
        for finding in sorted(group, key=lambda f: (f.start, -(f.end - f.start))):
            if any(finding.start < o.end and o.start < finding.end for o in taken):
                continue
            taken.append(finding)
    return sorted(taken, key=lambda f: f.start)


def _apply(text: str, findings: list[Finding]) -> str:
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(finding.masked)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def mask_for_public(text: str, writer: Writer, *, low_risk: bool = True) -> Masked:
    """``text`` with the writer's data and the personal data found in it masked; with
    ``low_risk=False``, landlines and government e-mail addresses are left as they are."""
    general = [
        replace(f, masked=EMAIL_MASK) if f.kind == Kind.EMAIL else f
        for f in find_personal_data(text)
        if low_risk or f.risk != Risk.LOW
    ]
    findings = _merge(writer_findings(text, writer), general)
    return Masked(original=text, text=_apply(text, findings), findings=findings)


def mask_letter(*, subject: str, content: str, reply: str, writer: Writer) -> MaskedLetter:
    """The three texts of a letter as they would be published."""
    return MaskedLetter(
        subject=mask_for_public(subject, writer),
        content=mask_for_public(content, writer),
        reply=mask_for_public(reply, writer, low_risk=False),
    )


KIND_LABELS: dict[str, Promise] = {
    WRITER_NAME: gettext_lazy("the writer's name"),
    WRITER_PHONE: gettext_lazy("the writer's phone number"),
    WRITER_EMAIL: gettext_lazy("the writer's e-mail address"),
    Kind.RESIDENT_ID: gettext_lazy("an identity number"),
    Kind.MOBILE: gettext_lazy("a mobile number"),
    Kind.LANDLINE: gettext_lazy("a phone number"),
    Kind.BANK_CARD: gettext_lazy("a bank card number"),
    Kind.EMAIL: gettext_lazy("an e-mail address"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def remaining_personal_data(text: str, writer: Writer) -> list[Finding]:
    """What must not be published in a public text: the writer's name, phone or e-mail, and
    high-risk personal data (an identity number, a mobile number, a bank card, a private
    e-mail address)."""
    general = [f for f in find_personal_data(text) if f.risk == Risk.HIGH]
    return _merge(writer_findings(text, writer), general)
