"""The workbench pages that publish a replied letter as public Q&A (公开答复).

The handling agency's reviewer (or the office) proposes the publication from the case page:
the service masks the personal data and keeps the proposal. The publication page then shows
each original text beside its masked public text, which the reviewer may edit before
confirming; only the confirmation makes it public. A published Q&A is withdrawn from the case
page, with the reason.

As on every letters page, the letter is read through ``permissions.letters_visible_to``
(another agency's letter is a 404) and changed only through ``letters.services``; someone who
may see the letter but not publish it (a handler) is refused with a 403 and nothing changes.
The publication page shows the original texts, which may hold personal data typed into them:
each showing is recorded as a read.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core import audit
from gongkai.core.models import User
from gongkai.interaction.letters import masking, permissions, services
from gongkai.interaction.letters.forms_staff import PublicationForm, WithdrawPublicationForm
from gongkai.interaction.letters.models import Letter, PublishedLetter
from gongkai.interaction.letters.views.staff import (
    _audit_agency,
    _refuse,
    get_letter,
    letter_staff_required,
    render_detail,
)
from gongkai.interaction.letters.workflow import LetterError, LetterPermissionDenied
from gongkai.workbench.views import staff_user

Publication = PublishedLetter.State
ORIGINAL_FIELDS = ["subject", "content", "reply_text"]  # named in the read entry


def _case_url(letter: Letter) -> str:
    return reverse("letters_staff:detail", args=[letter.pk]) + "#publication"


def _publication_url(letter: Letter) -> str:
    return reverse("letters_staff:publication", args=[letter.pk])


def _masked_summary(found: masking.MaskedLetter) -> list[tuple[str, int]]:
    """What was masked automatically, by kind, with how often (never the values)."""
    counts: dict[str, int] = {}
    for finding in found.findings:
        label = masking.kind_label(str(finding.kind))
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items())


@require_POST
@letter_staff_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose the letter as public Q&A (the texts masked automatically), then show the
    publication page to check and confirm them."""
    letter = get_letter(request, pk)
    user = staff_user(request)
    if not permissions.can_publish_letter(user, letter):
        return _refuse(request, _("You may not publish this letter."), letter=letter)
    try:
        services.propose_publication(letter, actor=user)
    except LetterPermissionDenied as error:
        return _refuse(request, error.message, letter=letter)
    except LetterError as error:
        letter.refresh_from_db()
        return render_detail(request, letter, publication_error=error.message, status=400)
    messages.success(
        request,
        _("The personal data is masked. Check the public text, edit it if needed and publish it."),
    )
    return HttpResponseRedirect(_publication_url(letter))


def _render_publication(
    request: HttpRequest,
    letter: Letter,
    publication: PublishedLetter,
    form: PublicationForm,
    *,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    audit.record_read(letter, actor=user, agency_id=_audit_agency(letter), fields=ORIGINAL_FIELDS)
    found = services.masked_letter(letter)
    return render(
        request,
        "letters/staff/publication.html",
        {
            "letter": letter,
            "publication": publication,
            "form": form,
            "masked": _masked_summary(found),
            "stale": publication.reply_of != letter.replied_at,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@letter_staff_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposed public texts beside the originals; POST confirms them (publishes)."""
    letter = get_letter(request, pk)
    user: User = staff_user(request)
    if not permissions.can_publish_letter(user, letter):
        return _refuse(request, _("You may not publish this letter."), letter=letter)
    proposal = PublishedLetter.objects.filter(letter=letter).first()
    if proposal is None or proposal.state != Publication.PROPOSED:
        messages.info(request, _("Propose the letter for publication first."))
        return HttpResponseRedirect(_case_url(letter))
    if request.method != "POST":
        form = PublicationForm(
            initial={
                "public_subject": proposal.public_subject,
                "public_content": proposal.public_content,
                "public_reply": proposal.public_reply,
            }
        )
        return _render_publication(request, letter, proposal, form)
    form = PublicationForm(request.POST)
    if form.is_valid():
        try:
            published = services.publish_letter(
                letter,
                actor=user,
                subject=form.cleaned_data["public_subject"],
                content=form.cleaned_data["public_content"],
                reply=form.cleaned_data["public_reply"],
            )
        except LetterPermissionDenied as error:
            return _refuse(request, error.message, letter=letter)
        except LetterError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The letter is published as public Q&A: %(url)s")
                % {"url": reverse("letters:qa_detail", args=[published.pk])},
            )
            return HttpResponseRedirect(_case_url(letter))
    letter.refresh_from_db()
    proposal.refresh_from_db()
    return _render_publication(request, letter, proposal, form, status=400)


@require_POST
@letter_staff_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the letter's public Q&A off the public pages and the search index."""
    letter = get_letter(request, pk)
    user = staff_user(request)
    if not permissions.can_publish_letter(user, letter):
        return _refuse(request, _("You may not withdraw this letter's publication."), letter=letter)
    form = WithdrawPublicationForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_publication(letter, actor=user, reason=form.cleaned_data["reason"])
        except LetterPermissionDenied as error:
            return _refuse(request, error.message, letter=letter)
        except LetterError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The public Q&A is withdrawn."))
            return HttpResponseRedirect(_case_url(letter))
    letter.refresh_from_db()
    return render_detail(request, letter, withdraw_form=form, status=400)
