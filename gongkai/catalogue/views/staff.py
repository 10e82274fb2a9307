"""The catalogue's staff pages in the workbench: documents, the draft form, review, history.

Every view needs a signed-in member of staff, reads documents only through
``permissions.documents_visible_to`` (another agency's document is a 404, as if it did not
exist) and changes them only through ``catalogue.services``. A refused action changes nothing
and says why; bad input is answered by the form's errors, never by a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.catalogue import clocks, permissions, screening, services
from gongkai.catalogue.docnumbers import DocumentNumberError, doc_number_key, parse_doc_number
from gongkai.catalogue.forms import (
    NEWS_HIDDEN,
    ApproveForm,
    AttachmentForm,
    DocumentFilterForm,
    DocumentForm,
    RejectForm,
    ValidityForm,
    VersionDiffForm,
    WithdrawForm,
)
from gongkai.catalogue.models import (
    Attachment,
    Document,
    ScreeningFinding,
)
from gongkai.catalogue.selectors import staff as staff_selectors
from gongkai.catalogue.workflow import CatalogueError, CataloguePermissionDenied
from gongkai.core import uploads
from gongkai.core.clock import ClockReading
from gongkai.core.html import sanitize_html
from gongkai.core.models import User
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 25
QUEUE_LIMIT = 200  # the review queue shows the earliest due first

State = Document.State
Severity = ScreeningFinding.Severity


# --- helpers ---------------------------------------------------------------------------------


def _visible_documents(request: HttpRequest) -> QuerySet[Document]:
    return permissions.documents_visible_to(request.user)


def _get_document(request: HttpRequest, pk: int) -> Document:
    """The document if the user may see it in the workbench; 404 otherwise."""
    return get_object_or_404(
        _visible_documents(request).select_related(
            "agency", "agency__catalogue_settings", "statutory_item", "topic", "genre"
        ),
        pk=pk,
    )


def _refuse(
    request: HttpRequest, message: str, *, document: Document | None = None
) -> HttpResponse:
    """A 403 page saying why, in the workbench's frame; nothing was changed."""
    back = None
    if document is not None:
        back = (_detail_url(document), _("Back to the document"))
    return refuse_action(
        request,
        message,
        back=back,
        to_list=(reverse("catalogue_staff:document_list"), _("All documents")),
    )


def _detail_url(document: Document, anchor: str = "") -> str:
    url = reverse("catalogue_staff:document_detail", args=[document.pk])
    return f"{url}#{anchor}" if anchor else url


def _policies_for(request: HttpRequest, agency: Agency) -> QuerySet[Document]:
    """Documents an interpretation of ``agency`` may explain: its own, not withdrawn."""
    return (
        _visible_documents(request)
        .filter(agency=agency, kind=Document.Kind.DOCUMENT)
        .exclude(state=State.WITHDRAWN)
        .order_by("-formation_date", "-pk")
    )


def _latest_findings(document: Document) -> tuple[int, list[ScreeningFinding]]:
    """The findings of the document's last screening run (0 and [] before the first)."""
    run = document.findings.aggregate(last=Max("run"))["last"]
    if not run:
        return 0, []
    return run, list(document.findings.filter(run=run).order_by("id"))


EVENT_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("changed"),
    "attachment_added": gettext_lazy("attachment added"),
    "attachment_removed": gettext_lazy("attachment removed"),
    "submitted": gettext_lazy("submitted for review"),
    "screened": gettext_lazy("screened"),
    "rejected": gettext_lazy("returned to the editor"),
    "approved": gettext_lazy("approved"),
    "scheduled": gettext_lazy("scheduled"),
    "published": gettext_lazy("published"),
    "withdrawn": gettext_lazy("withdrawn"),
    "amendment_started": gettext_lazy("amendment started"),
    "validity_changed": gettext_lazy("validity changed"),
    "repealed": gettext_lazy("repealed"),
    "interpretation_linked": gettext_lazy("interpretation linked"),
    "reassessed": gettext_lazy("re-assessed"),
}


def _event_label(code: str) -> str:
    label = EVENT_LABELS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def _state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def _clock_for(document: Document) -> ClockReading | None:
    if document.state == State.WITHDRAWN:
        return None
    return clocks.publication_clock(document)


def _actions(request: HttpRequest, document: Document) -> dict[str, bool]:
    user = request.user
    return {
        "edit": permissions.can_edit_document(user, document),
        "submit": permissions.can_submit(user, document),
        "review": permissions.can_review_document(user, document),
        "withdraw": permissions.can_withdraw(user, document),
        "amend": permissions.can_amend_document(user, document),
        "validity": permissions.can_change_validity(user, document),
    }


def _successors(request: HttpRequest, document: Document) -> QuerySet[Document]:
    """Published documents that may be named as amending or repealing ``document``."""
    return (
        _visible_documents(request)
        .filter(state=State.PUBLISHED)
        .exclude(pk=document.pk)
        .order_by("-published_at", "-pk")
    )


def _render_detail(
    request: HttpRequest, document: Document, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The staff page of a document, with the forms of the actions the user may take."""
    actions = _actions(request, document)
    run, findings = _latest_findings(document)
    reason_needed = [f for f in findings if f.severity == Severity.NEEDS_REASON]
    events = list(document.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.label = _event_label(event.code)  # type: ignore[attr-defined]
        event.from_label = _state_label(event.from_state)  # type: ignore[attr-defined]
        event.to_label = _state_label(event.to_state)  # type: ignore[attr-defined]
    latest_rejection = None
    if document.working_state == State.DRAFT:
        transitions = [e for e in events if e.to_state]
        if transitions and transitions[-1].code == "rejected":
            latest_rejection = transitions[-1]
    for finding in findings:
        finding.location = screening.location_label(finding.location)
    if not run:  # a clean screening saves no finding; its run is recorded on the event
        runs = [e.data.get("run") for e in events if isinstance(e.data, dict)]
        run = max((r for r in runs if isinstance(r, int)), default=0)
    clock = _clock_for(document)
    account = request.user
    own_submission = (
        document.working_state == State.SUBMITTED
        and document.submitted_by_id is not None
        and document.submitted_by_id == account.pk
    )
    context = {
        "document": document,
        "actions": actions,
        "attachments": list(document.attachments.order_by("sort_order", "id")),
        "columns": list(document.columns.order_by("sort_order", "id")),
        "co_issuers": list(document.co_issuers.order_by("sort_order", "name")),
        "interprets": list(document.interprets.only("id", "title")),
        "body_html": mark_safe(sanitize_html(document.body or "")),  # sanitised just above
        "screening_run": run,
        "findings": findings,
        "blocking": [f for f in findings if f.severity == Severity.BLOCKING],
        "clock": clock,
        "clock_late_days": -clock.left if clock is not None and clock.left < 0 else 0,
        "events": events,
        "latest_rejection": latest_rejection,
        "versions": list(staff_selectors.versions_of(document)),
        "own_submission": own_submission,
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(findings=reason_needed),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "validity_form": forms.get("validity_form")
        or (
            ValidityForm(
                initial={"validity": document.validity, "date": document.repeal_date},
                successors=_successors(request, document),
            )
            if actions["validity"]
            else None
        ),
        "diff_form": VersionDiffForm(
            initial={"a": max(document.version - 1, 1), "b": max(document.version, 1)}
        ),
    }
    return render(request, "catalogue/staff/document_detail.html", context, status=status)


def _service_refusal(
    request: HttpRequest, document: Document, error: CatalogueError
) -> HttpResponse | None:
    """A 403 page for a refused permission; None for other domain errors."""
    if isinstance(error, CataloguePermissionDenied):
        return _refuse(request, error.message, document=document)
    return None


def _form_action(
    request: HttpRequest,
    document: Document,
    form: forms.Form,
    *,
    form_name: str,
    perform: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], tuple[str, str]],
) -> HttpResponse:
    """Run one of the detail page's forms through its service.

    A refused permission is a 403 page; any other domain error is shown on the form, which comes
    back with the page (400) and nothing changed; success redirects with a message.
    ``perform`` gets the cleaned data and calls the service; ``success`` gets its result and
    returns the message and the address to go to.
    """
    if form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except CatalogueError as error:
            refusal = _service_refusal(request, document, error)
            if refusal is not None:
                return refusal
            form.add_error(None, error.message)
        else:
            message, url = success(result)
            messages.success(request, message)
            return HttpResponseRedirect(url)
    document.refresh_from_db()
    return _render_detail(request, document, status=400, **{form_name: form})


def _button_action(
    request: HttpRequest,
    document: Document,
    perform: Callable[[], Any],
    *,
    success_message: str,
    success_url: str,
    failure_url: str,
) -> HttpResponse:
    """Run a button's action (a POST without a form) through its service.

    A refused permission is a 403 page; any other domain error comes back as a message on the
    page the button was pressed on, nothing changed; success goes on with a message.
    """
    try:
        perform()
    except CatalogueError as error:
        refusal = _service_refusal(request, document, error)
        if refusal is not None:
            return refusal
        messages.error(request, error.message)
        return HttpResponseRedirect(failure_url)
    messages.success(request, success_message)
    return HttpResponseRedirect(success_url)


# --- lists -----------------------------------------------------------------------------------


@require_GET
@staff_required
def document_list(request: HttpRequest) -> HttpResponse:
    """The current agency's documents, filtered and paginated."""
    agency = current_agency(request)
    form = DocumentFilterForm(request.GET or None)
    documents = _visible_documents(request).none()
    if agency is not None:
        documents = _visible_documents(request).filter(agency=agency)
        if form.is_bound and form.is_valid():
            documents = _filter_documents(documents, form.cleaned_data)
        elif form.is_bound:
            documents = documents.none()
    documents = documents.order_by("-updated_at", "-pk").only(
        "id",
        "title",
        "kind",
        "state",
        "amendment_state",
        "doc_number",
        "index_number",
        "formation_date",
        "updated_at",
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    return render(
        request,
        "catalogue/staff/document_list.html",
        {
            "agency": agency,
            "form": form,
            "page": page,
            "can_create": agency is not None and permissions.can_create_document(user, agency),
            "can_review": agency is not None and _is_reviewer(request, agency),
        },
    )


def _is_reviewer(request: HttpRequest, agency: Agency) -> bool:
    from gongkai.agencies.models import StaffRole
    from gongkai.agencies.permissions import has_role

    return has_role(request.user, agency, StaffRole.Role.REVIEWER)


def _filter_documents(documents: QuerySet[Document], data: dict[str, Any]) -> QuerySet[Document]:
    if data.get("state"):
        state = data["state"]
        documents = documents.filter(Q(amendment_state=state) | Q(state=state, amendment_state=""))
    if data.get("kind"):
        documents = documents.filter(kind=data["kind"])
    if data.get("year"):
        documents = documents.filter(formation_date__year=data["year"])
    text = (data.get("q") or "").strip()
    if text:
        condition = Q(title__icontains=text) | Q(index_number__icontains=text)
        key = doc_number_key(text)
        condition |= Q(doc_number__icontains=text)
        if key:
            condition |= Q(doc_number_key__icontains=key)
        documents = documents.filter(condition)
    return documents


@require_GET
@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted documents of the current agency, the earliest publication due date first,
    each with the hits of its last screening. Own submissions are left out: another reviewer
    decides on them."""
    agency = current_agency(request)
    rows: list[dict[str, Any]] = []
    if agency is not None:
        documents = staff_selectors.submitted_for_review(request.user, agency)[:QUEUE_LIMIT]
        findings: dict[int, list[ScreeningFinding]] = {}
        for finding in ScreeningFinding.objects.filter(
            document__in=[document.pk for document in documents]
        ).order_by("document_id", "run", "id"):
            findings.setdefault(finding.document_id, []).append(finding)
        submitters = {
            user.pk: user
            for user in User.objects.filter(
                pk__in={d.submitted_by_id for d in documents if d.submitted_by_id}
            )
        }
        for document in documents:
            all_hits = findings.get(document.pk, [])
            last = max((f.run for f in all_hits), default=0)
            hits = [f for f in all_hits if f.run == last]
            for finding in hits:
                finding.location = screening.location_label(finding.location)
            rows.append(
                {
                    "document": document,
                    "submitter": submitters.get(document.submitted_by_id or 0),
                    "due": clocks.publication_due_date(document),
                    "findings": hits,
                    "blocking": sum(1 for f in hits if f.severity == Severity.BLOCKING),
                    "needs_reason": sum(1 for f in hits if f.severity == Severity.NEEDS_REASON),
                }
            )
    return render(
        request,
        "catalogue/staff/review_queue.html",
        {"agency": agency, "rows": rows, "today": timezone.localdate()},
    )


# --- the draft -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def document_create(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None or not permissions.can_create_document(request.user, agency):
        return _refuse(request, _("Only an editor of the agency may make a new document."))
    form = DocumentForm(
        request.POST or None, agency=agency, policies=_policies_for(request, agency)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                document = services.create_document(
                    agency=agency, actor=staff_user(request), **form.document_fields()
                )
                _link_policies(request, document, form)
        except CataloguePermissionDenied as error:
            return _refuse(request, error.message)
        except CatalogueError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft is saved. Add attachments, then submit it."))
            return HttpResponseRedirect(_detail_url(document))
    return _render_form(request, form, agency=agency, document=None)


def _link_policies(request: HttpRequest, document: Document, form: DocumentForm) -> None:
    policies = form.policies_to_link()
    if document.kind == Document.Kind.INTERPRETATION and policies:
        services.link_interpretation(document, policies=policies, actor=staff_user(request))


def _render_form(
    request: HttpRequest, form: DocumentForm, *, agency: Agency, document: Document | None
) -> HttpResponse:
    return render(
        request,
        "catalogue/staff/document_form.html",
        {"form": form, "agency": agency, "document": document, "news_hidden": NEWS_HIDDEN},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    if not permissions.can_edit_document(request.user, document):
        return _refuse(
            request,
            _("This document cannot be edited: only the agency's editors change a draft."),
            document=document,
        )
    form = DocumentForm(
        request.POST or None,
        agency=document.agency,
        document=document,
        policies=_policies_for(request, document.agency).exclude(pk=document.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_document(
                    document, actor=staff_user(request), **form.document_fields()
                )
                _link_policies(request, document, form)
        except CataloguePermissionDenied as error:
            return _refuse(request, error.message, document=document)
        except CatalogueError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft is saved."))
            return HttpResponseRedirect(_detail_url(document))
    return _render_form(request, form, agency=document.agency, document=document)


@require_GET
@staff_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_document(request, pk))


@require_POST
@staff_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    if not permissions.can_edit_document(request.user, document):
        return _refuse(
            request,
            _("Attachments can be changed only on a draft, by its editors."),
            document=document,
        )
    return _form_action(
        request,
        document,
        AttachmentForm(request.POST, request.FILES),
        form_name="attachment_form",
        perform=lambda data: services.add_attachment(
            document, actor=staff_user(request), uploaded_file=data["file"]
        ),
        success=lambda attachment: (
            _("“%(name)s” is attached.") % {"name": attachment.original_name},
            _detail_url(document, "attachments"),
        ),
    )


@require_POST
@staff_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    attachment = get_object_or_404(Attachment, document=document, pk=attachment_pk)
    if not permissions.can_edit_document(request.user, document):
        return _refuse(
            request,
            _("Attachments can be changed only on a draft, by its editors."),
            document=document,
        )
    return _button_action(
        request,
        document,
        lambda: services.remove_attachment(attachment, actor=staff_user(request)),
        success_message=_("“%(name)s” is removed.") % {"name": attachment.original_name},
        success_url=_detail_url(document, "attachments"),
        failure_url=_detail_url(document, "attachments"),
    )


@require_GET
@staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """The file under its original name, always as a download (never rendered inline)."""
    document = _get_document(request, pk)
    attachment = get_object_or_404(Attachment, document=document, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file of this attachment is missing.")) from error
    return uploads.file_response(
        handle, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
@staff_required
def document_submit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    if not permissions.can_submit(request.user, document):
        return _refuse(
            request,
            _("This document cannot be submitted: only the agency's editors submit a draft."),
            document=document,
        )
    return _button_action(
        request,
        document,
        lambda: services.submit_document(document, actor=staff_user(request)),
        success_message=_(
            "The document is submitted for review. The screening result is shown below."
        ),
        success_url=_detail_url(document, "screening"),
        failure_url=_detail_url(document),
    )


# --- review ----------------------------------------------------------------------------------


def _review_refusal(request: HttpRequest, document: Document) -> HttpResponse | None:
    if permissions.can_review_document(request.user, document):
        return None
    if document.submitted_by_id is not None and document.submitted_by_id == request.user.pk:
        message = _("You submitted this document; another reviewer of the agency must review it.")
    elif document.working_state != State.SUBMITTED:
        message = _("This document is not waiting for review.")
    else:
        message = _("Only a reviewer of the agency may approve or reject this document.")
    return _refuse(request, message, document=document)


@require_POST
@staff_required
def document_approve(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    refusal = _review_refusal(request, document)
    if refusal is not None:
        return refusal
    _run, findings = _latest_findings(document)
    reason_needed = [f for f in findings if f.severity == Severity.NEEDS_REASON]
    form = ApproveForm(request.POST, findings=reason_needed)

    def approved(document: Document) -> tuple[str, str]:
        if document.state == State.PUBLISHED and not document.amendment_state:
            return _("The document is approved and published."), _detail_url(document)
        return _("The document is approved."), _detail_url(document)

    return _form_action(
        request,
        document,
        form,
        form_name="approve_form",
        perform=lambda data: services.approve_document(
            document,
            actor=staff_user(request),
            accept_reasons=form.accept_reasons(),
            publish_at=data.get("publish_at"),
        ),
        success=approved,
    )


@require_POST
@staff_required
def document_reject(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    refusal = _review_refusal(request, document)
    if refusal is not None:
        return refusal
    return _form_action(
        request,
        document,
        RejectForm(request.POST),
        form_name="reject_form",
        perform=lambda data: services.reject_document(
            document, actor=staff_user(request), comment=data["comment"]
        ),
        success=lambda _document: (
            _("The document is returned to the editor."),
            reverse("catalogue_staff:review_queue"),
        ),
    )


# --- after publication -----------------------------------------------------------------------


@require_POST
@staff_required
def document_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    if not permissions.can_withdraw(request.user, document):
        return _refuse(
            request,
            _("Only a reviewer of the agency or the disclosure office may withdraw a document."),
            document=document,
        )
    return _form_action(
        request,
        document,
        WithdrawForm(request.POST),
        form_name="withdraw_form",
        perform=lambda data: services.withdraw_document(
            document, actor=staff_user(request), reason=data["reason"]
        ),
        success=lambda _document: (
            _("The document is withdrawn from the public pages."),
            _detail_url(document),
        ),
    )


@require_POST
@staff_required
def document_amend(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    if not permissions.can_amend_document(request.user, document):
        return _refuse(
            request,
            _("Only an editor of the agency may amend a published document."),
            document=document,
        )
    return _button_action(
        request,
        document,
        lambda: services.start_amendment(document, actor=staff_user(request)),
        success_message=_(
            "The amendment is started; the published version stays public meanwhile."
        ),
        success_url=reverse("catalogue_staff:document_edit", args=[document.pk]),
        failure_url=_detail_url(document),
    )


@require_POST
@staff_required
def document_validity(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    if not permissions.can_change_validity(request.user, document):
        return _refuse(
            request,
            _("Only a reviewer of the agency or the disclosure office may change the validity."),
            document=document,
        )
    return _form_action(
        request,
        document,
        ValidityForm(request.POST, successors=_successors(request, document)),
        form_name="validity_form",
        perform=lambda data: services.set_validity(
            document,
            actor=staff_user(request),
            validity=data["validity"],
            by=data.get("by"),
            date=data.get("date"),
        ),
        success=lambda _document: (_("The validity is recorded."), _detail_url(document)),
    )


# --- versions --------------------------------------------------------------------------------


def _diff_rows(lines: tuple[str, ...]) -> list[tuple[str, str]]:
    """Unified-diff lines as (kind, text) rows for the page: added, removed, same, gap."""
    rows: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("gap", "…"))
        elif line.startswith("+"):
            rows.append(("added", line[1:]))
        elif line.startswith("-"):
            rows.append(("removed", line[1:]))
        else:
            rows.append(("same", line[1:]))
    return rows


@require_GET
@staff_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The differences in title, summary and body between two published versions."""
    document = _get_document(request, pk)
    form = VersionDiffForm(request.GET or None)
    fields: list[dict[str, Any]] = []
    older = newer = None
    if form.is_bound and form.is_valid():
        numbers = sorted({form.cleaned_data["a"], form.cleaned_data["b"]})
        found = {
            version.number: version
            for version in staff_selectors.versions_of(document).filter(number__in=numbers)
        }
        if len(numbers) == 2 and len(found) == 2:
            older, newer = found[numbers[0]], found[numbers[1]]
            fields = [
                {"label": diff.label, "field": diff.field, "rows": _diff_rows(diff.lines)}
                for diff in staff_selectors.version_diff(older, newer)
                if diff.changed
            ]
        else:
            form.add_error(None, _("Choose two different published versions of this document."))
    return render(
        request,
        "catalogue/staff/version_diff.html",
        {
            "document": document,
            "form": form,
            "older": older,
            "newer": newer,
            "fields": fields,
            "versions": list(staff_selectors.versions_of(document)),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- live validation -------------------------------------------------------------------------


@require_GET
@staff_required
def doc_number_check(request: HttpRequest) -> JsonResponse:
    """Read a 文号 as the form will, and name other documents of the agency carrying it."""
    value = (request.GET.get("value") or "")[:64]
    try:
        number = parse_doc_number(value)
    except DocumentNumberError as error:
        return JsonResponse({"valid": False, "normalized": "", "message": str(error)})
    agency = current_agency(request)
    duplicates: list[dict[str, Any]] = []
    if agency is not None:
        others = (
            _visible_documents(request)
            .filter(agency=agency, doc_number_key=number.key)
            .exclude(state=State.WITHDRAWN)
        )
        exclude = request.GET.get("document", "")
        if exclude.isdigit():
            others = others.exclude(pk=int(exclude))
        duplicates = [
            {"id": pk, "title": title} for pk, title in others.values_list("pk", "title")[:5]
        ]
    if duplicates:
        message = _("Another document of the agency carries %(number)s: %(title)s") % {
            "number": number,
            "title": duplicates[0]["title"],
        }
    else:
        message = _("Read as %(number)s.") % {"number": number}
    return JsonResponse(
        {"valid": True, "normalized": str(number), "message": message, "duplicates": duplicates}
    )
