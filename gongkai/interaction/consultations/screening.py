"""The confidentiality check (保密审查) before a consultation or its feedback goes public.

The catalogue's screening (:func:`gongkai.catalogue.screening.screen_text`) reads each text:
secrecy markings block publication; personal data (identity numbers with a valid check digit,
mobile numbers, bank cards, private e-mail addresses) stands only with the reviewer's reason;
sensitive and commonly mistaken expressions are warnings. The findings are not stored: the
reviewer sees them on the page, and the publishing service screens again and records the
count in its event. Snippets have all personal data masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongkai.catalogue.models import ScreeningFinding, SensitiveTerm
from gongkai.catalogue.screening import screen_text
from gongkai.core.html import html_to_text
from gongkai.interaction.consultations.models import Consultation, Feedback

Severity = ScreeningFinding.Severity


@dataclass(frozen=True)
class Hit:
    """One finding, ready for a page or a message."""

    kind: str  # the translated kind (secrecy marking, mobile number …)
    severity: str  # ScreeningFinding.Severity
    severity_label: str
    location: str  # translated: where it was found
    snippet: str  # context with personal data masked
    suggestion: str


def _consultation_sources(consultation: Consultation) -> Iterator[tuple[str, str]]:
    yield _("title"), consultation.title or ""
    yield _("summary"), consultation.summary or ""
    yield _("text of the draft"), html_to_text(consultation.body or "")
    if consultation.pk is None:
        return
    for article in consultation.articles.all():
        label = _("article %(number)s") % {"number": article.number}
        yield label, f"{article.heading}\n{article.text}"
    for attachment in consultation.attachments.all():
        yield _("attachment “%(name)s”") % {"name": attachment.original_name}, attachment.text


def _feedback_sources(feedback: Feedback) -> Iterator[tuple[str, str]]:
    yield _("summary of the feedback"), feedback.summary or ""
    for point in feedback.points.all():
        label = _("point %(number)d") % {"number": point.order}
        yield label, f"{point.text}\n{point.reason}"
    comments = feedback.consultation.comments.exclude(decision_reason="")
    for comment in comments.only("pk", "decision_reason"):
        label = _("the reason given for comment %(number)d") % {"number": comment.pk}
        yield label, comment.decision_reason


def _active_terms() -> dict[str, list[SensitiveTerm]]:
    """The configured expressions, by kind (one query for a whole screening)."""
    grouped: dict[str, list[SensitiveTerm]] = {kind: [] for kind in SensitiveTerm.Kind.values}
    for term in SensitiveTerm.objects.filter(active=True).only("term", "kind", "suggestion"):
        grouped.setdefault(term.kind, []).append(term)
    return grouped


def _screen(sources: Iterable[tuple[str, str]]) -> list[Hit]:
    terms = _active_terms()
    hits: list[Hit] = []
    for location, text in sources:
        for finding in screen_text(text, location=location, terms=terms):
            hits.append(
                Hit(
                    kind=str(finding.get_kind_display()),
                    severity=finding.severity,
                    severity_label=str(finding.get_severity_display()),
                    location=location,
                    snippet=finding.snippet,
                    suggestion=finding.suggestion,
                )
            )
    order: dict[str, int] = {Severity.BLOCKING: 0, Severity.NEEDS_REASON: 1, Severity.WARNING: 2}
    hits.sort(key=lambda hit: order.get(hit.severity, 3))
    return hits


def screen_consultation(consultation: Consultation) -> list[Hit]:
    """The findings in the draft: title, summary, text, articles and attachments."""
    return _screen(_consultation_sources(consultation))


def screen_feedback(feedback: Feedback) -> list[Hit]:
    """The findings in the feedback report: its summary, points and reasons."""
    return _screen(_feedback_sources(feedback))


def blocking(hits: Iterable[Hit]) -> list[Hit]:
    return [hit for hit in hits if hit.severity == Severity.BLOCKING]


def needing_reason(hits: Iterable[Hit]) -> list[Hit]:
    return [hit for hit in hits if hit.severity == Severity.NEEDS_REASON]


def describe(hit: Hit) -> str:
    """One line for an error message: kind, location and the (masked) context."""
    return _("%(kind)s in the %(location)s: %(snippet)s") % {
        "kind": hit.kind,
        "location": hit.location,
        "snippet": hit.snippet,
    }
