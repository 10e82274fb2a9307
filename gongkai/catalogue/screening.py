"""Pre-publication screening (保密审查, REG 17): what a reviewer must see before approving.

:func:`screen_document` reads the title, summary, body and every attachment's extracted text
and reports, without saving anything:

* secrecy markings (密级标志: 绝密, 机密, 秘密★一年, 内部资料 …, the active ``SensitiveTerm`` rows
  of kind ``secrecy``) — these **block** approval. They are matched as markings, standing on
  their own, not inside ordinary words: 商业秘密, 国家秘密 or 涉密人员管理 are prose, not marks;
* personal data (resident ID numbers with a valid check digit, mobile numbers, bank cards,
  private e-mail addresses) — these **need the reviewer's reason** to stand; government
  e-mail addresses and landlines (an office's published number) are only warnings;
* configured sensitive expressions (warning) and commonly mistaken ones (warning, with the
  correct form as a suggestion).

Every hit carries a snippet of its context in which all personal data is masked: the raw value
is never stored, shown or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongkai.catalogue.models import Attachment, Document, ScreeningFinding, SensitiveTerm
from gongkai.core.html import html_to_text
from gongkai.core.text import Finding, Risk, find_personal_data, find_terms, snippet

Kind = ScreeningFinding.Kind
Severity = ScreeningFinding.Severity

SNIPPET_WIDTH = 20
# After a secrecy level, a marking may go on with ★ and its period: 秘密★一年, 机密★10年, 绝密★长期.
_PERIOD_RE = re.compile(
    r"[★☆]?\s*(?:[0-9]{1,3}|[一二三四五六七八九十]{1,3})\s*(?:年|个月)|[★☆]?\s*长期"
)
_LEVEL_FOLLOWERS = frozenset("★☆级")

_PERSONAL_KINDS: dict[str, str] = {
    "resident_id": Kind.RESIDENT_ID,
    "mobile": Kind.MOBILE,
    "phone_landline": Kind.LANDLINE,
    "bank_card": Kind.BANK_CARD,
    "email": Kind.EMAIL,
}


@dataclass(frozen=True)
class _Source:
    location: str  # "title", "summary", "body" or "attachment:<id>:<name>"
    text: str


def _sources(document: Document) -> Iterator[_Source]:
    yield _Source("title", document.title or "")
    yield _Source("summary", document.summary or "")
    yield _Source("body", html_to_text(document.body or ""))
    attachments: Iterable[Attachment] = document.attachments.all() if document.pk else ()
    for attachment in attachments:
        yield _Source(
            f"attachment:{attachment.pk}:{attachment.original_name}"[:300], attachment.text
        )


def location_label(location: str) -> str:
    """The translated name of a finding's location, for pages."""
    if location.startswith("attachment:"):
        name = location.split(":", 2)[2] if location.count(":") >= 2 else location
        return _("attachment “%(name)s”") % {"name": name}
    labels = {"title": _("title"), "summary": _("summary"), "body": _("body")}
    return labels.get(location, location)


class _MaskedText:
    """A text with every piece of personal data masked, and a map of positions into it."""

    def __init__(self, text: str, personal: list[Finding]) -> None:
        parts: list[str] = []
        self._shifts: list[tuple[int, int]] = []  # (original end, cumulative shift after it)
        position = 0
        shift = 0
        for finding in personal:
            parts.append(text[position : finding.start])
            parts.append(finding.masked)
            shift += len(finding.masked) - (finding.end - finding.start)
            self._shifts.append((finding.end, shift))
            position = finding.end
        parts.append(text[position:])
        self.text = "".join(parts)

    def position(self, original: int) -> int:
        shift = 0
        for end, cumulative in self._shifts:
            if end <= original:
                shift = cumulative
            else:
                break
        return original + shift

    def snippet(self, start: int, end: int) -> str:
        return snippet(self.text, self.position(start), self.position(end), width=SNIPPET_WIDTH)[
            :300
        ]


def _is_marking(text: str, start: int, end: int, previous_end: int | None) -> bool:
    """Whether the secrecy term at ``text[start:end]`` stands as a marking."""
    term = text[start:end]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if not any(char.isalnum() for char in term):
        # A bare symbol (★) marks secrecy only next to a level or before a period.
        if previous_end == start:
            return False  # the tail of a marking already reported (绝密★)
        return before == "密" or bool(_PERIOD_RE.match(text, end - 1 if term[-1] in "★☆" else end))
    if before and before.isalnum():
        return False  # inside a word: 商业秘密, 国家秘密, 属机密
    if not after or not after.isalnum() or after in _LEVEL_FOLLOWERS:
        return True
    return bool(_PERIOD_RE.match(text, end))


def _secrecy(text: str, terms: list[str]) -> list[Finding]:
    found: list[Finding] = []
    previous_end: int | None = None
    for hit in find_terms(text, terms, kind=Kind.SECRECY):
        if _is_marking(text, hit.start, hit.end, previous_end):
            found.append(hit)
            previous_end = hit.end
    return found


def _active_terms() -> dict[str, list[SensitiveTerm]]:
    grouped: dict[str, list[SensitiveTerm]] = {kind: [] for kind in SensitiveTerm.Kind.values}
    for term in SensitiveTerm.objects.filter(active=True).only("term", "kind", "suggestion"):
        grouped.setdefault(term.kind, []).append(term)
    return grouped


def screen_text(
    text: str, *, location: str, terms: dict[str, list[SensitiveTerm]]
) -> list[ScreeningFinding]:
    """The findings in one text (unsaved, without document or run)."""
    if not text:
        return []
    personal = find_personal_data(text)
    masked = _MaskedText(text, personal)
    findings: list[ScreeningFinding] = []

    def add(kind: str, severity: str, start: int, end: int, suggestion: str = "") -> None:
        findings.append(
            ScreeningFinding(
                kind=kind,
                severity=severity,
                location=location,
                snippet=masked.snippet(start, end),
                suggestion=suggestion[:200],
            )
        )

    secrecy_terms = [term.term for term in terms.get(SensitiveTerm.Kind.SECRECY, [])]
    for hit in _secrecy(text, secrecy_terms):
        add(Kind.SECRECY, Severity.BLOCKING, hit.start, hit.end)
    for hit in personal:
        severity = Severity.WARNING if hit.risk == Risk.LOW else Severity.NEEDS_REASON
        add(_PERSONAL_KINDS.get(hit.kind, Kind.RESIDENT_ID), severity, hit.start, hit.end)
    sensitive = [term.term for term in terms.get(SensitiveTerm.Kind.SENSITIVE, [])]
    for hit in find_terms(text, sensitive, kind=Kind.SENSITIVE):
        add(Kind.SENSITIVE, Severity.WARNING, hit.start, hit.end)
    mistaken = terms.get(SensitiveTerm.Kind.MISTAKEN, [])
    corrections = {_fold(term.term): term.suggestion for term in mistaken}
    for hit in find_terms(text, [term.term for term in mistaken], kind=Kind.MISTAKEN):
        suggestion = corrections.get(_fold(hit.value), "")
        add(Kind.MISTAKEN, Severity.WARNING, hit.start, hit.end, suggestion)
    findings.sort(key=lambda finding: _ORDER[finding.severity])
    return findings


_ORDER: dict[str, int] = {Severity.BLOCKING: 0, Severity.NEEDS_REASON: 1, Severity.WARNING: 2}


def _fold(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", value).lower()


def screen_document(document: Document) -> list[ScreeningFinding]:
    """Screen the working copy of ``document`` and its attachments; nothing is saved.

    The findings have ``document`` set and ``run`` 0; the service numbers and saves them.
    """
    terms = _active_terms()
    findings: list[ScreeningFinding] = []
    for source in _sources(document):
        for finding in screen_text(source.text, location=source.location, terms=terms):
            finding.document = document
            finding.run = 0
            findings.append(finding)
    return findings


def fingerprint(finding: ScreeningFinding) -> tuple[str, str, str]:
    """What identifies a hit from one run to the next over the same text."""
    return (finding.kind, finding.location, finding.snippet)


def blocking(findings: Iterable[ScreeningFinding]) -> list[ScreeningFinding]:
    return [finding for finding in findings if finding.severity == Severity.BLOCKING]


def needing_reason(findings: Iterable[ScreeningFinding]) -> list[ScreeningFinding]:
    return [
        finding
        for finding in findings
        if finding.severity == Severity.NEEDS_REASON and not finding.accepted_reason.strip()
    ]


def describe(finding: ScreeningFinding) -> str:
    """One line for an error message: kind, location and the (masked) context."""
    return _("%(kind)s in the %(location)s: %(snippet)s") % {
        "kind": finding.get_kind_display(),
        "location": location_label(finding.location),
        "snippet": finding.snippet,
    }
