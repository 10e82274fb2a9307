"""The consultations' staff pages in the workbench: the list, the draft form, the page of a
consultation with its confidentiality check and actions, the comments and their moderation,
and the feedback report.

Every view needs a signed-in member of staff, reads consultations only through
``permissions.consultations_visible_to`` (another agency's consultation is a 404, as if it did
not exist) and changes them only through ``consultations.services``. A refused action changes
nothing and says why; bad input comes back on the form, never as a server error. Commenters'
contacts are shown only to those who may read them, and each such page is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies.permissions import is_office
from gongkai.core import audit, uploads
from gongkai.core.html import sanitize_html
from gongkai.interaction.consultations import permissions, screening, selectors, services
from gongkai.interaction.consultations.forms import (
    ArticleFormSet,
    AttachmentForm,
    CloseForm,
    CommentFilterForm,
    ConsultationForm,
    DecisionsForm,
    FeedbackSummaryForm,
    FinalDocumentForm,
    ModerateForm,
    PointForm,
    PublishFeedbackForm,
    PublishForm,
    articles_of,
)
from gongkai.interaction.consultations.models import (
    Comment,
    Consultation,
    ConsultationAttachment,
    Feedback,
    FeedbackPoint,
)
from gongkai.interaction.consultations.workflow import (
    ConsultationError,
    ConsultationPermissionDenied,
)
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 25
COMMENT_PAGE_SIZE = 50

State = Consultation.State
CommentState = Comment.State

EVENT_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("changed"),
    "attachment_added": gettext_lazy("attachment added"),
    "attachment_removed": gettext_lazy("attachment removed"),
    "published": gettext_lazy("published"),
    "comment_received": gettext_lazy("comment received"),
    "comment_shown": gettext_lazy("comment shown"),
    "comment_hidden": gettext_lazy("comment hidden"),
    "closed": gettext_lazy("closed on its closing day"),
    "closed_early": gettext_lazy("closed early"),
    "feedback_saved": gettext_lazy("feedback summary saved"),
    "feedback_point_added": gettext_lazy("feedback point added"),
    "feedback_point_removed": gettext_lazy("feedback point removed"),
    "decisions_recorded": gettext_lazy("decisions recorded"),
    "feedback_published": gettext_lazy("feedback published"),
    "final_document_linked": gettext_lazy("final document linked"),
}


# --- helpers ---------------------------------------------------------------------------------


def _get(request: HttpRequest, pk: int) -> Consultation:
    """The consultation if the user may see it in the workbench; 404 otherwise."""
    return get_object_or_404(
        permissions.consultations_visible_to(request.user).select_related(
            "agency", "final_document"
        ),
        pk=pk,
    )


def _detail_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse("consultations_staff:detail", args=[consultation.pk])
    return f"{url}#{anchor}" if anchor else url


def _comments_url(consultation: Consultation) -> str:
    return reverse("consultations_staff:comments", args=[consultation.pk])


def _feedback_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse("consultations_staff:feedback", args=[consultation.pk])
    return f"{url}#{anchor}" if anchor else url


def _refuse(
    request: HttpRequest, message: str, *, consultation: Consultation | None = None
) -> HttpResponse:
    """A 403 page saying why, in the workbench's frame; nothing was changed."""
    back = None
    if consultation is not None:
        back = (_detail_url(consultation), _("Back to the consultation"))
    return refuse_action(
        request,
        message,
        back=back,
        to_list=(reverse("consultations_staff:list"), _("All consultations")),
    )


def _button_action(
    request: HttpRequest,
    consultation: Consultation,
    perform: Callable[[], Any],
    *,
    success_message: str,
    success_url: str,
    failure_url: str,
) -> HttpResponse:
    """Run an action through its service: a refused permission is a 403 page, another
    refusal a message on the page the action came from (nothing changed), success goes on."""
    try:
        perform()
    except ConsultationPermissionDenied as error:
        return _refuse(request, error.message, consultation=consultation)
    except ConsultationError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(failure_url)
    messages.success(request, success_message)
    return HttpResponseRedirect(success_url)


def _refuse_unless_reviewer(
    request: HttpRequest, consultation: Consultation
) -> HttpResponse | None:
    """A 403 page for anyone but the agency's reviewers, before a form is read (an empty or
    invalid form must not answer a person who may not act at all)."""
    if permissions.is_reviewer_of(request.user, consultation):
        return None
    return _refuse(
        request,
        _("Only a reviewer of the consultation's agency may do this."),
        consultation=consultation,
    )


def _event_rows(consultation: Consultation) -> list[Any]:
    events = list(consultation.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        label = EVENT_LABELS.get(event.code)
        event.label = str(label) if label is not None else event.code  # type: ignore[attr-defined]
    return events


def _actions(request: HttpRequest, consultation: Consultation) -> dict[str, bool]:
    user = request.user
    return {
        "edit": permissions.can_edit_consultation(user, consultation),
        "publish": permissions.can_publish_consultation(user, consultation),
        "moderate": permissions.can_moderate_comments(user, consultation),
        "close": permissions.can_close_consultation(user, consultation),
        "feedback": permissions.can_write_feedback(user, consultation),
        "link": permissions.can_link_final_document(user, consultation),
    }


# --- lists -----------------------------------------------------------------------------------


@require_GET
@staff_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    """The current agency's consultations; the office sees every agency's."""
    agency = current_agency(request)
    office = is_office(request.user)
    rows: QuerySet[Consultation] = permissions.consultations_visible_to(request.user)
    if not office:
        rows = rows.filter(agency=agency) if agency is not None else rows.none()
    rows = (
        rows.select_related("agency")
        .annotate(
            received=Count("comments"),
            pending=Count("comments", filter=Q(comments__state=CommentState.PENDING)),
        )
        .order_by("-opens_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for consultation in page.object_list:
        phase = selectors.phase_of(consultation, now=now)
        consultation.phase_label = selectors.PHASE_LABELS[phase]  # type: ignore[attr-defined]
    return render(
        request,
        "consultations/staff/list.html",
        {
            "agency": agency,
            "office": office,
            "page": page,
            "can_create": agency is not None
            and permissions.can_create_consultation(request.user, agency),
        },
    )


# --- the draft -------------------------------------------------------------------------------


def _render_form(
    request: HttpRequest,
    form: ConsultationForm,
    formset: Any,
    *,
    consultation: Consultation | None,
    agency: Any,
) -> HttpResponse:
    bound = form.is_bound and (bool(form.errors) or not formset.is_valid())
    return render(
        request,
        "consultations/staff/form.html",
        {"form": form, "formset": formset, "consultation": consultation, "agency": agency},
        status=400 if bound else 200,
    )


def _articles_for_service(form: ConsultationForm, formset: Any) -> list[services.ArticleData]:
    split = form.split_from_text()
    return split if split is not None else articles_of(formset)


@require_http_methods(["GET", "POST"])
@staff_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None or not permissions.can_create_consultation(request.user, agency):
        return _refuse(request, _("Only an editor of the agency may prepare a consultation."))
    form = ConsultationForm(
        request.POST or None, initial={"moderation": services.default_moderation()}
    )
    formset = ArticleFormSet(request.POST or None, prefix="articles")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            consultation = services.create_consultation(
                agency=agency,
                actor=staff_user(request),
                articles=_articles_for_service(form, formset),
                **form.fields_for_service(),
            )
        except ConsultationPermissionDenied as error:
            return _refuse(request, error.message)
        except ConsultationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The draft is saved. Add attachments; a reviewer publishes it."),
            )
            return HttpResponseRedirect(_detail_url(consultation))
    return _render_form(request, form, formset, consultation=None, agency=agency)


@require_http_methods(["GET", "POST"])
@staff_required
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    if not permissions.can_edit_consultation(request.user, consultation):
        return _refuse(
            request,
            _("Only the agency's editors change a consultation, and only while it is a draft."),
            consultation=consultation,
        )
    initial = {
        "title": consultation.title,
        "summary": consultation.summary,
        "body": consultation.body,
        "opens_on": consultation.opens_on,
        "closes_on": consultation.closes_on,
        "moderation": consultation.moderation,
    }
    article_initial = [
        {"number": a.number, "heading": a.heading, "text": a.text}
        for a in consultation.articles.order_by("order", "id")
    ]
    form = ConsultationForm(request.POST or None, initial=initial)
    formset = ArticleFormSet(request.POST or None, prefix="articles", initial=article_initial)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.update_consultation(
                consultation,
                actor=staff_user(request),
                articles=_articles_for_service(form, formset),
                **form.fields_for_service(),
            )
        except ConsultationPermissionDenied as error:
            return _refuse(request, error.message, consultation=consultation)
        except ConsultationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft is saved."))
            return HttpResponseRedirect(_detail_url(consultation))
    return _render_form(
        request, form, formset, consultation=consultation, agency=consultation.agency
    )


def _render_detail(
    request: HttpRequest, consultation: Consultation, *, status: int = 200, **forms: Any
) -> HttpResponse:
    actions = _actions(request, consultation)
    hits = screening.screen_consultation(consultation) if consultation.state == State.DRAFT else []
    context = {
        "consultation": consultation,
        "phase_label": selectors.PHASE_LABELS[selectors.phase_of(consultation)],
        "actions": actions,
        "own_draft": consultation.state == State.DRAFT
        and consultation.created_by_id == request.user.pk,
        "body_html": mark_safe(sanitize_html(consultation.body or "")),  # sanitised here
        "articles": list(consultation.articles.order_by("order", "id")),
        "attachments": list(consultation.attachments.order_by("sort_order", "id")),
        "hits": hits,
        "blocking": screening.blocking(hits),
        "counts": selectors.feedback_counts(consultation),
        "events": _event_rows(consultation),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "publish_form": forms.get("publish_form") or PublishForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "link_form": forms.get("link_form") or FinalDocumentForm(),
    }
    return render(request, "consultations/staff/detail.html", context, status=status)


def _form_action(
    request: HttpRequest,
    consultation: Consultation,
    form: forms.Form,
    *,
    form_name: str,
    perform: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], tuple[str, str]],
    render_page: Callable[..., HttpResponse] | None = None,
) -> HttpResponse:
    """Run one of a page's forms through its service: a refused permission is a 403 page,
    another refusal is shown on the form (400, nothing changed), success redirects."""
    if form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except ConsultationPermissionDenied as error:
            return _refuse(request, error.message, consultation=consultation)
        except ConsultationError as error:
            form.add_service_error(error)  # type: ignore[attr-defined]
        else:
            message, url = success(result)
            messages.success(request, message)
            return HttpResponseRedirect(url)
    consultation.refresh_from_db()
    page = render_page or _render_detail
    return page(request, consultation, status=400, **{form_name: form})


@require_GET
@staff_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get(request, pk))


@require_POST
@staff_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    if not permissions.can_edit_consultation(request.user, consultation):
        return _refuse(
            request,
            _("Attachments can be changed only on a draft, by its editors."),
            consultation=consultation,
        )
    return _form_action(
        request,
        consultation,
        AttachmentForm(request.POST, request.FILES),
        form_name="attachment_form",
        perform=lambda data: services.add_attachment(
            consultation, actor=staff_user(request), uploaded_file=data["file"]
        ),
        success=lambda attachment: (
            _("“%(name)s” is attached.") % {"name": attachment.original_name},
            _detail_url(consultation, "attachments"),
        ),
    )


@require_POST
@staff_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    attachment = get_object_or_404(
        ConsultationAttachment, consultation=consultation, pk=attachment_pk
    )
    if not permissions.can_edit_consultation(request.user, consultation):
        return _refuse(
            request,
            _("Attachments can be changed only on a draft, by its editors."),
            consultation=consultation,
        )
    return _button_action(
        request,
        consultation,
        lambda: services.remove_attachment(attachment, actor=staff_user(request)),
        success_message=_("“%(name)s” is removed.") % {"name": attachment.original_name},
        success_url=_detail_url(consultation, "attachments"),
        failure_url=_detail_url(consultation, "attachments"),
    )


@require_GET
@staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """The file under its original name, always as a download (never rendered inline)."""
    consultation = _get(request, pk)
    attachment = get_object_or_404(
        ConsultationAttachment, consultation=consultation, pk=attachment_pk
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file of this attachment is missing.")) from error
    return uploads.file_response(
        handle, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
@staff_required
def consultation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    return _form_action(
        request,
        consultation,
        PublishForm(request.POST),
        form_name="publish_form",
        perform=lambda data: services.publish_consultation(
            consultation,
            actor=staff_user(request),
            personal_data_reason=data["personal_data_reason"],
        ),
        success=lambda result: (
            _("The consultation is published."),
            _detail_url(consultation),
        ),
    )


@require_POST
@staff_required
def consultation_close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    refusal = _refuse_unless_reviewer(request, consultation)
    if refusal is not None:
        return refusal
    return _form_action(
        request,
        consultation,
        CloseForm(request.POST),
        form_name="close_form",
        perform=lambda data: services.close_consultation(
            consultation, actor=staff_user(request), reason=data["reason"]
        ),
        success=lambda result: (
            _("The consultation is closed: it takes no more comments."),
            _detail_url(consultation),
        ),
    )


@require_POST
@staff_required
def final_document_link(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    refusal = _refuse_unless_reviewer(request, consultation)
    if refusal is not None:
        return refusal
    return _form_action(
        request,
        consultation,
        FinalDocumentForm(request.POST),
        form_name="link_form",
        perform=lambda data: services.link_final_document(
            consultation, actor=staff_user(request), document=data["final_document"]
        ),
        success=lambda result: (
            _("The final document is linked."),
            _detail_url(consultation),
        ),
    )


# --- comments --------------------------------------------------------------------------------


@require_GET
@staff_required
def comment_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The comments, those awaiting moderation first; contacts for those who may read them
    (the reading is audited)."""
    consultation = _get(request, pk)
    form = CommentFilterForm(request.GET or None)
    comments = consultation.comments.select_related("article", "moderated_by", "point")
    if form.is_bound and form.is_valid() and form.cleaned_data.get("state"):
        comments = comments.filter(state=form.cleaned_data["state"])
    awaiting_first = Case(When(state=CommentState.PENDING, then=Value(0)), default=Value(1))
    comments = comments.order_by(awaiting_first, "-submitted_at", "-id")
    page = Paginator(comments, COMMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    show_contacts = permissions.can_view_contacts(request.user, consultation)
    if show_contacts and page.object_list:
        audit.record_read(
            consultation,
            actor=staff_user(request),
            agency_id=consultation.agency_id,
            fields=["comment.name", "comment.contact"],
        )
    return render(
        request,
        "consultations/staff/comments.html",
        {
            "consultation": consultation,
            "form": form,
            "page": page,
            "show_contacts": show_contacts,
            "can_moderate": permissions.can_moderate_comments(request.user, consultation),
            "counts": selectors.feedback_counts(consultation),
        },
    )


@require_POST
@staff_required
def comment_moderate(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    comment = get_object_or_404(Comment, consultation=consultation, pk=comment_pk)
    refusal = _refuse_unless_reviewer(request, consultation)
    if refusal is not None:
        return refusal
    form = ModerateForm(request.POST)
    back = request.POST.get("next_state", "")
    url = _comments_url(consultation)
    if back in CommentState.values:
        url = f"{url}?state={back}"
    if not form.is_valid():
        messages.error(request, _("Choose whether to show or hide the comment."))
        return HttpResponseRedirect(url)
    show = form.cleaned_data["action"] == "show"
    return _button_action(
        request,
        consultation,
        lambda: services.moderate_comment(
            comment, actor=staff_user(request), show=show, reason=form.cleaned_data["reason"]
        ),
        success_message=(
            _("Comment %(number)d is shown.") if show else _("Comment %(number)d is hidden.")
        )
        % {"number": comment.pk},
        success_url=url,
        failure_url=url,
    )


# --- feedback --------------------------------------------------------------------------------


def _render_feedback(
    request: HttpRequest, consultation: Consultation, *, status: int = 200, **forms: Any
) -> HttpResponse:
    feedback: Feedback | None = Feedback.objects.filter(consultation=consultation).first()
    points = list(feedback.points.order_by("order", "id")) if feedback is not None else []
    shown = list(
        consultation.comments.filter(state=CommentState.SHOWN)
        .select_related("article", "point")
        .order_by("submitted_at", "id")
    )
    can_write = permissions.can_write_feedback(request.user, consultation)
    hits = screening.screen_feedback(feedback) if feedback is not None and can_write else []
    context = {
        "consultation": consultation,
        "feedback": feedback,
        "points": points,
        "comments": shown,
        "counts": selectors.feedback_counts(consultation),
        "can_write": can_write,
        "hits": hits,
        "summary_form": forms.get("summary_form")
        or FeedbackSummaryForm(initial={"summary": feedback.summary if feedback else ""}),
        "point_form": forms.get("point_form") or PointForm(),
        "decisions_form": forms.get("decisions_form")
        or DecisionsForm(comments=shown, points=points),
        "publish_form": forms.get("publish_form") or PublishFeedbackForm(),
    }
    return render(request, "consultations/staff/feedback.html", context, status=status)


def _require_feedback_page(request: HttpRequest, consultation: Consultation) -> HttpResponse | None:
    """The feedback page is for those who may see the consultation once it is past opening:
    before it closes there is nothing to report."""
    if consultation.state == State.DRAFT:
        return _refuse(
            request,
            _("A draft has no feedback: it has not been published."),
            consultation=consultation,
        )
    return None


@require_GET
@staff_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    refusal = _require_feedback_page(request, consultation)
    return refusal or _render_feedback(request, consultation)


@require_POST
@staff_required
def feedback_summary(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    return _form_action(
        request,
        consultation,
        FeedbackSummaryForm(request.POST),
        form_name="summary_form",
        perform=lambda data: services.save_feedback(
            consultation, actor=staff_user(request), summary=data["summary"]
        ),
        success=lambda result: (_("The summary is saved."), _feedback_url(consultation)),
        render_page=_render_feedback,
    )


@require_POST
@staff_required
def feedback_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    refusal = _refuse_unless_reviewer(request, consultation)
    if refusal is not None:
        return refusal
    return _form_action(
        request,
        consultation,
        PointForm(request.POST),
        form_name="point_form",
        perform=lambda data: services.add_feedback_point(
            consultation,
            actor=staff_user(request),
            text=data["text"],
            decision=data["decision"],
            reason=data["reason"],
        ),
        success=lambda point: (
            _("Point %(number)d is added: group comments under it below.")
            % {"number": point.order},
            _feedback_url(consultation, "decisions"),
        ),
        render_page=_render_feedback,
    )


@require_POST
@staff_required
def feedback_point_remove(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    point = get_object_or_404(FeedbackPoint, feedback__consultation=consultation, pk=point_pk)
    return _button_action(
        request,
        consultation,
        lambda: services.remove_feedback_point(point, actor=staff_user(request)),
        success_message=_("The point is removed; decide again on its comments."),
        success_url=_feedback_url(consultation, "points"),
        failure_url=_feedback_url(consultation, "points"),
    )


@require_POST
@staff_required
def feedback_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    feedback_row = Feedback.objects.filter(consultation=consultation).first()
    points = list(feedback_row.points.order_by("order", "id")) if feedback_row else []
    shown = list(
        consultation.comments.filter(state=CommentState.SHOWN)
        .select_related("article", "point")
        .order_by("submitted_at", "id")
    )
    return _form_action(
        request,
        consultation,
        DecisionsForm(request.POST, comments=shown, points=points),
        form_name="decisions_form",
        perform=lambda data: services.record_decisions(
            consultation,
            actor=staff_user(request),
            decisions=DecisionsForm.decisions_from(data, shown),
        ),
        success=lambda changed: (
            _("The decisions are saved."),
            _feedback_url(consultation, "decisions"),
        ),
        render_page=_render_feedback,
    )


@require_POST
@staff_required
def feedback_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    return _form_action(
        request,
        consultation,
        PublishFeedbackForm(request.POST),
        form_name="publish_form",
        perform=lambda data: services.publish_feedback(
            consultation,
            actor=staff_user(request),
            final_document=data["final_document"],
            personal_data_reason=data["personal_data_reason"],
        ),
        success=lambda result: (
            _("The feedback is published."),
            _detail_url(consultation),
        ),
        render_page=_render_feedback,
    )
