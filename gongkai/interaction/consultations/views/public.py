"""The public pages of consultations on drafts (建议征集): the list, a consultation with its
draft, attachments, comments and comment form, and its feedback once published.

Consultations are reached only through ``selectors.public_consultations`` (never a draft) and
comments only through ``selectors.shown_comments``. A commenter's contact is never read here;
the name shows only when the commenter asked for it, and personal data typed into a comment
(a phone number, an identity number …) is masked on the page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from gongkai.catalogue.selectors.public import published_documents
from gongkai.core import captcha, uploads
from gongkai.core.html import sanitize_html
from gongkai.core.text import mask_text
from gongkai.interaction.consultations import selectors, services
from gongkai.interaction.consultations.forms import CommentForm
from gongkai.interaction.consultations.models import (
    Comment,
    Consultation,
    ConsultationArticle,
    Decision,
)
from gongkai.interaction.consultations.selectors import PHASE_LABELS, Phase

FILTERS = (Phase.OPEN, Phase.UPCOMING, Phase.CLOSED, Phase.FEEDBACK)


@dataclass(frozen=True)
class PublicComment:
    """What the public sees of a comment: never the contact, the name only when allowed."""

    number: int
    author: str
    article: ConsultationArticle | None
    text: str  # personal data masked
    submitted_at: Any
    decision: str
    decision_label: str
    reason: str


def _public_comment(comment: Comment) -> PublicComment:
    point = comment.point
    decision = point.decision if point is not None else comment.decision
    reason = point.reason if point is not None else comment.decision_reason
    return PublicComment(
        number=comment.pk,
        author=comment.name if comment.show_name else _("Anonymous"),
        article=comment.article,
        text=mask_text(comment.text),
        submitted_at=comment.submitted_at,
        decision=decision,
        decision_label=str(Decision(decision).label) if decision else "",
        reason=mask_text(reason),
    )


def _consultation_or_404(pk: int) -> Consultation:
    consultation = selectors.public_consultation(pk)
    if consultation is None:
        raise Http404(_("No published consultation has this address."))
    return consultation


@require_safe
def consultation_list(request: HttpRequest) -> HttpResponse:
    """Published consultations, newest first, filtered by phase (open, closed, feedback …)."""
    now = timezone.now()
    chosen = request.GET.get("phase", "")
    phase = Phase(chosen) if chosen in {member.value for member in Phase} else None
    rows = selectors.in_phase(phase, now=now) if phase else selectors.public_consultations()
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for consultation in page.object_list:
        current = selectors.phase_of(consultation, now=now)
        items.append(
            {
                "consultation": consultation,
                "phase": current.value,
                "phase_label": PHASE_LABELS[current],
            }
        )
    filters = [{"value": value, "label": PHASE_LABELS[value]} for value in FILTERS]
    return render(
        request,
        "consultations/public/list.html",
        {"page": page, "items": items, "filters": filters, "phase": phase},
    )


def _final_document(consultation: Consultation) -> Any:
    """The final document when the public can read it (a withdrawn one is not linked)."""
    if consultation.final_document_id is None:
        return None
    return published_documents().filter(pk=consultation.final_document_id).first()


def _render_detail(
    request: HttpRequest,
    consultation: Consultation,
    *,
    form: CommentForm | None = None,
    submission_key: str | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    phase = selectors.phase_of(consultation, now=now)
    articles = list(consultation.articles.order_by("order", "id"))
    comments = [_public_comment(comment) for comment in selectors.shown_comments(consultation)]
    per_article = selectors.shown_comment_counts(consultation)
    for article in articles:
        article.shown_comments = per_article.get(article.pk, 0)  # type: ignore[attr-defined]
    if form is None and phase == Phase.OPEN:
        initial: dict[str, Any] = {}
        chosen = request.GET.get("article", "")
        if chosen.isdigit() and any(str(article.pk) == chosen for article in articles):
            initial["article"] = chosen
        form = captcha.protect(request, CommentForm(initial=initial, articles=articles))
    context: dict[str, Any] = {
        "consultation": consultation,
        "phase": phase,
        "phase_label": PHASE_LABELS[phase],
        "body_html": mark_safe(sanitize_html(consultation.body or "")),  # sanitised here
        "articles": articles,
        "attachments": list(consultation.attachments.order_by("sort_order", "id")),
        "comments": comments,
        "form": form if phase == Phase.OPEN else None,
        "submission_key": submission_key or secrets.token_urlsafe(32),
        "closed_on": _closed_on(consultation),
        "refusal": refusal,
    }
    if phase == Phase.FEEDBACK:
        feedback = getattr(consultation, "feedback", None)
        context.update(
            {
                "feedback": feedback,
                "counts": selectors.feedback_counts(consultation),
                "points": list(feedback.points.order_by("order", "id")) if feedback else [],
                "final_document": _final_document(consultation),
            }
        )
    return render(request, "consultations/public/detail.html", context, status=status)


def _closed_on(consultation: Consultation) -> Any:
    if consultation.closed_at is not None:
        return min(consultation.closes_on, selectors.local_now(consultation.closed_at).date())
    return consultation.closes_on


@never_cache
@require_safe
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _consultation_or_404(pk))


@never_cache
@require_POST
def comment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a comment; bad input or a closed consultation comes back with the reason and
    nothing saved; the same form sent twice makes one comment."""
    consultation = _consultation_or_404(pk)
    try:
        services.check_open(consultation)
    except services.ConsultationError as error:
        # Not open (yet, or any more): say so, whatever was typed.
        return _render_detail(request, consultation, refusal=error.message, status=400)
    articles = list(consultation.articles.order_by("order", "id"))
    form = captcha.protect(request, CommentForm(request.POST, articles=articles))
    key = request.POST.get("submission_key", "")
    if not services.SUBMISSION_KEY_RE.match(key):
        key = ""
    if form.is_valid():
        try:
            comment, _created = services.submit_comment(
                consultation,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                text=form.cleaned_data["text"],
                show_name=form.cleaned_data["show_name"],
                article=form.chosen_article(),
                submission_key=key,
            )
        except services.ConsultationError as error:
            if error.field is None:  # closed meanwhile, or an expired form
                return _render_detail(
                    request,
                    consultation,
                    form=form,
                    submission_key=key or None,
                    refusal=error.message,
                    status=400,
                )
            form.add_service_error(error)
        else:
            if comment.state == Comment.State.SHOWN:
                message = _("Thank you: your comment is published below.")
            else:
                message = _(
                    "Thank you: your comment was received and will be shown once it has been "
                    "read by the agency."
                )
            messages.success(request, message)
            url = reverse("consultations:detail", args=[consultation.pk])
            return HttpResponseRedirect(f"{url}#comments")
    return _render_detail(request, consultation, form=form, submission_key=key or None, status=400)


@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment of a published consultation, always as a download."""
    consultation = _consultation_or_404(pk)
    attachment = consultation.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("No public attachment has this address."))
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("No public attachment has this address.")) from error
    return uploads.file_response(
        handle,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        private=False,
    )
