"""The actions on an application's staff page: one POST view per action, each calling one
service (``info_requests.services``), and :func:`panels_for`, the forms the case page shows.

Every view needs a signed-in member of staff and loads the application through
``views.staff.get_case`` (another agency's application is a 404, as if it did not exist).
The user's role is checked before the form is read (403, nothing changed); the service checks
it again with the state and the Regulation's rules. A refusal for any other reason comes back
on the form, with the case page (400) and nothing changed; success redirects to the case page
with a message (a proposal for proactive disclosure, to the catalogue draft it made).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.catalogue import permissions as catalogue_permissions
from gongkai.core.models import User
from gongkai.info_requests import forms_actions as action_forms
from gongkai.info_requests import letters, permissions, services
from gongkai.info_requests.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    Remedy,
    RequestEvent,
    RequestFile,
)
from gongkai.info_requests.workflow import (
    HANDLER_STATES,
    OPEN_STATES,
    InfoRequestError,
    InfoRequestPermissionDenied,
)
from gongkai.workbench.views import staff_required, staff_user

State = InfoRequest.State
Form = forms.Form


@dataclass(frozen=True)
class Panel:
    """One action the case page offers: its form, where it posts and its button."""

    name: str
    title: str
    form: Form
    url: str
    button: str
    danger: bool = False


# --------------------------------------------------------------------------- who may do what


def _office(user: Any, case: InfoRequest) -> bool:
    return permissions.can_receive_requests(user)


def _handler(user: Any, case: InfoRequest) -> bool:
    return permissions.can_handle_request(user, case)


def _office_or_handler(user: Any, case: InfoRequest) -> bool:
    return _office(user, case) or _handler(user, case)


def _reviewer(user: Any, case: InfoRequest) -> bool:
    return permissions.can_review_request(user, case)


def _head(user: Any, case: InfoRequest) -> bool:
    return permissions.can_approve_request(user, case)


def _handler_and_editor(user: Any, case: InfoRequest) -> bool:
    """A proposal for proactive disclosure makes a catalogue draft: the handler must also be
    an editor of the handling agency (the catalogue refuses otherwise)."""
    agency = case.handling_agency
    return (
        _handler(user, case)
        and agency is not None
        and catalogue_permissions.can_create_document(user, agency)
    )


REPLIED_STATES = frozenset({State.REPLIED, State.DELIVERED, State.CLOSED})


def _has_released_files(case: InfoRequest) -> bool:
    return case.files.filter(kind__in=RequestFile.RELEASABLE).exists()


def _current_notices(case: InfoRequest) -> bool:
    return letters.notices_for(case).filter(replaced_on=None).exists()


def _correction_asked(case: InfoRequest) -> bool:
    return (
        case.corrected or case.events.filter(code=RequestEvent.Code.CORRECTION_REQUESTED).exists()
    )


def _drafted_by(case: InfoRequest) -> int | None:
    """Who sent the reply to the legal review last (they may not review it themselves)."""
    event = (
        case.events.filter(code=RequestEvent.Code.SUBMITTED_FOR_REVIEW)
        .order_by("-at", "-id")
        .only("actor_id")
        .first()
    )
    return event.actor_id if event is not None else None


@dataclass(frozen=True)
class Action:
    """An action of the case page: who may take it (the role, checked by the view before
    anything else) and when it is offered (the state, checked by the service)."""

    name: str
    title: Promise
    button: Promise
    form_class: type[action_forms.ActionForm]
    permitted: Callable[[Any, InfoRequest], bool]
    offered: Callable[[Any, InfoRequest], bool]
    danger: bool = False


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "accept",
            gettext_lazy("Accept"),
            gettext_lazy("Accept the application"),
            action_forms.AcceptForm,
            _office,
            lambda user, case: case.state == State.RECEIVED,
        ),
        Action(
            "assign",
            gettext_lazy("Assign to the handling agency"),
            gettext_lazy("Assign"),
            action_forms.AssignForm,
            _office,
            lambda user, case: case.state == State.ACCEPTED,
        ),
        Action(
            "transfer",
            gettext_lazy("Transfer to another agency"),
            gettext_lazy("Transfer"),
            action_forms.TransferForm,
            _office,
            lambda user, case: case.state in HANDLER_STATES and case.handling_agency_id is not None,
        ),
        Action(
            "request_correction",
            gettext_lazy("Ask for a correction"),
            gettext_lazy("Send the correction notice"),
            action_forms.RequestCorrectionForm,
            _office_or_handler,
            lambda user, case: (
                case.state in (State.RECEIVED, State.ACCEPTED, State.HANDLING)
                and not _correction_asked(case)
            ),
        ),
        Action(
            "receive_correction",
            gettext_lazy("Record the correction received"),
            gettext_lazy("Record the correction"),
            action_forms.ReceiveCorrectionForm,
            _office_or_handler,
            lambda user, case: case.state == State.CORRECTION,
        ),
        Action(
            "close_at_receipt",
            gettext_lazy("Close without handling"),
            gettext_lazy("Close the application"),
            action_forms.CloseAtReceiptForm,
            _office,
            lambda user, case: case.state in (State.RECEIVED, State.ACCEPTED, State.CORRECTION),
            danger=True,
        ),
        Action(
            "extend",
            gettext_lazy("Extend the time limit"),
            gettext_lazy("Extend"),
            action_forms.ExtendForm,
            _office,
            lambda user, case: case.state in OPEN_STATES and not case.extension_days,
        ),
        Action(
            "consult",
            gettext_lazy("Consult a third party or another agency"),
            gettext_lazy("Record the consultation letter"),
            action_forms.ConsultForm,
            _handler,
            lambda user, case: case.state in (State.HANDLING, State.CONSULTING),
        ),
        Action(
            "settle_consultation",
            gettext_lazy("Record the answer"),
            gettext_lazy("Record the answer"),
            action_forms.SettleConsultationForm,
            _handler,
            lambda user, case: case.state in HANDLER_STATES,
        ),
        Action(
            "issue_fee_notice",
            gettext_lazy("Issue a fee notice"),
            gettext_lazy("Issue the fee notice"),
            action_forms.IssueFeeNoticeForm,
            _handler,
            lambda user, case: case.state == State.HANDLING and not case.fees.exists(),
        ),
        Action(
            "settle_fee",
            gettext_lazy("Record the fee paid or waived"),
            gettext_lazy("Record"),
            action_forms.SettleFeeForm,
            _handler,
            lambda user, case: case.state == State.AWAITING_FEE,
        ),
        Action(
            "draft_reply",
            gettext_lazy("Draft the reply"),
            gettext_lazy("Save the draft"),
            action_forms.DraftReplyForm,
            _handler,
            lambda user, case: case.state == State.HANDLING,
        ),
        Action(
            "submit_for_review",
            gettext_lazy("Send to the legal review"),
            gettext_lazy("Send to the legal review"),
            action_forms.SubmitForReviewForm,
            _handler,
            lambda user, case: (
                case.state == State.HANDLING and bool(case.outcome and case.reply_text)
            ),
        ),
        Action(
            "review",
            gettext_lazy("Legal review"),
            gettext_lazy("Record the review"),
            action_forms.ReviewForm,
            _reviewer,
            lambda user, case: case.state == State.LEGAL_REVIEW and _drafted_by(case) != user.pk,
        ),
        Action(
            "approve_as_head",
            gettext_lazy("The head's approval"),
            gettext_lazy("Record the decision"),
            action_forms.HeadApprovalForm,
            _head,
            lambda user, case: case.state == State.HEAD_APPROVAL,
        ),
        Action(
            "deliver",
            gettext_lazy("Record the delivery"),
            gettext_lazy("Record the delivery"),
            action_forms.DeliverForm,
            _handler,
            lambda user, case: case.state == State.REPLIED,
        ),
        Action(
            "close",
            gettext_lazy("Close the case"),
            gettext_lazy("Close the case"),
            action_forms.CloseForm,
            _office_or_handler,
            lambda user, case: case.state == State.DELIVERED,
        ),
        Action(
            "propose_for_disclosure",
            gettext_lazy("Propose for proactive disclosure (REG 44)"),
            gettext_lazy("Make a catalogue draft from the released files"),
            action_forms.ProposeForDisclosureForm,
            _handler_and_editor,
            lambda user, case: case.state in REPLIED_STATES and _has_released_files(case),
        ),
        Action(
            "record_remedy",
            gettext_lazy("Record a reconsideration or lawsuit"),
            gettext_lazy("Record"),
            action_forms.RecordRemedyForm,
            _office,
            lambda user, case: case.replied_on is not None,
        ),
        Action(
            "decide_remedy",
            gettext_lazy("Record the result"),
            gettext_lazy("Record the result"),
            action_forms.DecideRemedyForm,
            _office,
            lambda user, case: True,  # for each undecided one (``_targets``)
        ),
        Action(
            "reissue_notice",
            gettext_lazy("Correct a notice"),
            gettext_lazy("Issue the corrected notice"),
            action_forms.ReissueNoticeForm,
            _office_or_handler,
            lambda user, case: _current_notices(case),
        ),
    )
}


def _panel_name(action: str, obj: Model | None = None) -> str:
    return f"{action}-{obj.pk}" if obj is not None else action


def _make_form(
    action: Action, case: InfoRequest, name: str, *, data: Any = None, **extra: Any
) -> action_forms.ActionForm:
    # Plain field names (what a client posts) with ids unique on the page.
    return action.form_class(data, case=case, auto_id=f"id_{name}_%s", **extra)


def _url(action: str, case: InfoRequest, obj: Model | None = None) -> str:
    if action == "settle_consultation" and obj is not None:
        return reverse(
            "info_requests_staff:settle_consultation",
            kwargs={"pk": case.pk, "consultation_pk": obj.pk},
        )
    if action == "settle_fee" and obj is not None:
        return reverse("info_requests_staff:settle_fee", kwargs={"pk": case.pk, "fee_pk": obj.pk})
    if action == "decide_remedy" and obj is not None:
        return reverse(
            "info_requests_staff:decide_remedy", kwargs={"pk": case.pk, "remedy_pk": obj.pk}
        )
    return reverse(f"info_requests_staff:{action}", args=[case.pk])


def _title(action: Action, obj: Model | None) -> str:
    if isinstance(obj, Consultation):
        return _("Answer of %(party)s (due %(date)s)") % {
            "party": obj.party,
            "date": obj.due_on.isoformat(),
        }
    if isinstance(obj, FeeNotice):
        return _("Fee notice of %(amount)s yuan (due %(date)s)") % {
            "amount": obj.amount,
            "date": obj.due_on.isoformat(),
        }
    if isinstance(obj, Remedy):
        return _("Result of the %(kind)s before %(body)s (filed %(date)s)") % {
            "kind": obj.get_kind_display(),
            "body": obj.body,
            "date": obj.filed_on.isoformat(),
        }
    return str(action.title)


def _panel(
    action: Action, case: InfoRequest, *, obj: Model | None, bound: dict[str, Form]
) -> Panel:
    name = _panel_name(action.name, obj)
    form = bound.get(name)
    if form is None:
        form = _make_form(action, case, name, **_objects(action, obj))
    return Panel(
        name=name,
        title=_title(action, obj),
        form=form,
        url=_url(action.name, case, obj),
        button=str(action.button),
        danger=action.danger,
    )


def _objects(action: Action, obj: Model | None) -> dict[str, Any]:
    if action.name == "settle_consultation":
        return {"consultation": obj}
    if action.name == "settle_fee":
        return {"fee": obj}
    if action.name == "decide_remedy":
        return {"remedy": obj}
    return {}


def _targets(action: Action, case: InfoRequest) -> list[Model | None]:
    """The objects the action is taken on: the case itself, or each open consultation,
    unpaid fee notice or undecided reconsideration or lawsuit."""
    if action.name == "settle_consultation":
        return list(case.consultations.filter(answered_on__isnull=True).order_by("sent_on", "id"))
    if action.name == "settle_fee":
        return list(case.fees.filter(settlement="").order_by("issued_on", "id"))
    if action.name == "decide_remedy":
        # From the remedies the case page has read already (the same rows, filtered here).
        undecided = [remedy for remedy in case.remedies.all() if remedy.result == ""]
        undecided.sort(key=lambda remedy: (remedy.filed_on, remedy.pk))
        targets: list[Model | None] = [*undecided]
        return targets
    return [None]


def panels_for(
    case: InfoRequest, user: Any, *, bound: dict[str, Form] | None = None
) -> list[Panel]:
    """The actions ``user`` may take on ``case`` in its current state, each with an unbound
    form — or the bound one from ``bound`` (by panel name) after a refused POST, so that its
    errors show. A bound form is shown even when its action is no longer offered (a second
    extension, say), so that the person sees why it was refused."""
    bound = bound or {}
    panels: list[Panel] = []
    for action in ACTIONS.values():
        if not action.permitted(user, case) or not action.offered(user, case):
            continue
        for obj in _targets(action, case):
            panels.append(_panel(action, case, obj=obj, bound=bound))
    shown = {panel.name for panel in panels}
    for name, form in bound.items():
        if name in shown:
            continue
        refused = ACTIONS.get(name.split("-", 1)[0])
        if refused is None:
            continue
        obj = (
            getattr(form, "consultation", None)
            or getattr(form, "fee", None)
            or getattr(form, "remedy", None)
        )
        panels.append(
            Panel(
                name=name,
                title=_title(refused, obj),
                form=form,
                url=_url(refused.name, case, obj),
                button=str(refused.button),
                danger=refused.danger,
            )
        )
    return panels


# --------------------------------------------------------------------------- the views


def _detail_url(case: InfoRequest) -> str:
    return reverse("info_requests_staff:detail", args=[case.pk])


Perform = Callable[[InfoRequest, action_forms.ActionForm, User], Any]
Success = Callable[[Any], str]


def _act(
    request: HttpRequest,
    pk: int,
    action_name: str,
    perform: Perform,
    success: Success,
    *,
    target: Callable[[InfoRequest], Model] | None = None,
    redirect: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Run one action: the case (404 unless the user may see it), the role (403), the form
    (400 with its errors), the service (its refusal on the form, 400; or a 403), success:
    back to the case page, or where ``redirect`` says from what the service returned."""
    from gongkai.info_requests.views.staff import get_case, render_detail

    case = get_case(request, pk)
    action = ACTIONS[action_name]
    user = staff_user(request)
    obj = target(case) if target is not None else None
    if not action.permitted(user, case):
        raise PermissionDenied(_("You may not do this with this application."))
    name = _panel_name(action.name, obj)
    form = _make_form(action, case, name, data=request.POST, **_objects(action, obj))
    if form.is_valid():
        try:
            result = perform(case, form, user)
        except InfoRequestPermissionDenied as error:
            raise PermissionDenied(error.message) from None
        except InfoRequestError as error:
            form.add_error(form.error_field(error.field), error.message)
        else:
            messages.success(request, success(result))
            return HttpResponseRedirect(redirect(result) if redirect else _detail_url(case))
    case.refresh_from_db()
    return render_detail(request, case, bound={name: form}, status=400)


def _agency_name(case: InfoRequest) -> str:
    agency = case.handling_agency
    return agency.name if agency is not None else ""


@require_POST
@staff_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def success(case: InfoRequest) -> str:
        if case.handling_agency_id is not None:
            return _("The application is accepted and assigned to %(agency)s.") % {
                "agency": _agency_name(case)
            }
        return _("The application is accepted.")

    return _act(
        request,
        pk,
        "accept",
        lambda case, form, user: services.accept_request(
            case, actor=user, handling_agency=form.cleaned_data.get("handling_agency")
        ),
        success,
    )


@require_POST
@staff_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assign",
        lambda case, form, user: services.assign_request(
            case, actor=user, agency=form.cleaned_data["agency"]
        ),
        lambda case: (
            _("The application is assigned to %(agency)s.") % {"agency": _agency_name(case)}
        ),
    )


@require_POST
@staff_required
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "transfer",
        lambda case, form, user: services.transfer_request(
            case, actor=user, agency=form.cleaned_data["agency"], reason=form.cleaned_data["reason"]
        ),
        lambda case: (
            _("The application is transferred to %(agency)s.") % {"agency": _agency_name(case)}
        ),
    )


@require_POST
@staff_required
def request_correction(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "request_correction",
        lambda case, form, user: services.request_correction(
            case, actor=user, what=form.cleaned_data["what"]
        ),
        lambda case: (
            _("The correction notice is sent; the applicant has until %(date)s.")
            % {"date": case.correction_due_on.isoformat() if case.correction_due_on else ""}
        ),
    )


@require_POST
@staff_required
def receive_correction(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "receive_correction",
        lambda case, form, user: services.receive_correction(
            case, actor=user, text=form.cleaned_data["text"], on=form.cleaned_data.get("on")
        ),
        lambda case: _("The correction is recorded; the reply clock runs again."),
    )


@require_POST
@staff_required
def close_at_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close_at_receipt",
        lambda case, form, user: services.close_at_receipt(
            case,
            actor=user,
            outcome=form.cleaned_data["outcome"],
            reply_text=form.cleaned_data["reply_text"],
        ),
        lambda case: _("The application is closed; the reply is sent to the applicant."),
    )


@require_POST
@staff_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "extend",
        lambda case, form, user: services.extend_request(
            case, actor=user, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
        ),
        lambda case: (
            _("The time limit is extended by %(days)d working days.")
            % {"days": case.extension_days}
        ),
    )


@require_POST
@staff_required
def consult(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "consult",
        lambda case, form, user: services.consult(
            case, actor=user, kind=form.cleaned_data["kind"], party=form.cleaned_data["party"]
        ),
        lambda consultation: (
            _("The consultation is recorded; the answer is due by %(date)s.")
            % {"date": consultation.due_on.isoformat()}
        ),
    )


@require_POST
@staff_required
def settle_consultation(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    def perform(case: InfoRequest, form: action_forms.ActionForm, user: User) -> Consultation:
        consultation = cast(action_forms.SettleConsultationForm, form).consultation
        return services.settle_consultation(
            consultation,
            actor=user,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
            on=form.cleaned_data.get("on"),
        )

    return _act(
        request,
        pk,
        "settle_consultation",
        perform,
        lambda consultation: (
            _("The answer of %(party)s is recorded.") % {"party": consultation.party}
        ),
        target=lambda case: get_object_or_404(case.consultations.all(), pk=consultation_pk),
    )


@require_POST
@staff_required
def issue_fee_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "issue_fee_notice",
        lambda case, form, user: services.issue_fee_notice(
            case,
            actor=user,
            method=form.cleaned_data["method"],
            pages=form.cleaned_data.get("pages") or 0,
            payment=form.cleaned_data["payment"],
        ),
        lambda notice: (
            _("The fee notice is issued: %(amount)s yuan, due by %(date)s.")
            % {"amount": notice.amount, "date": notice.due_on.isoformat()}
        ),
    )


@require_POST
@staff_required
def settle_fee(request: HttpRequest, pk: int, fee_pk: int) -> HttpResponse:
    def perform(case: InfoRequest, form: action_forms.ActionForm, user: User) -> FeeNotice:
        return services.settle_fee(
            cast(action_forms.SettleFeeForm, form).fee,
            actor=user,
            settlement=form.cleaned_data["settlement"],
            note=form.cleaned_data["note"],
            on=form.cleaned_data.get("on"),
        )

    return _act(
        request,
        pk,
        "settle_fee",
        perform,
        lambda notice: (
            _("The fee is recorded as %(settlement)s; the handling goes on.")
            % {"settlement": notice.get_settlement_display()}
        ),
        target=lambda case: get_object_or_404(case.fees.all(), pk=fee_pk),
    )


@require_POST
@staff_required
def draft_reply(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(case: InfoRequest, form: action_forms.ActionForm, user: User) -> InfoRequest:
        return services.draft_reply(
            case,
            actor=user,
            outcome=form.cleaned_data["outcome"],
            reply_text=form.cleaned_data["reply_text"],
            withheld=cast(action_forms.DraftReplyForm, form).withheld(),
            referred_agency=form.cleaned_data["referred_agency"],
        )

    return _act(
        request,
        pk,
        "draft_reply",
        perform,
        lambda case: _("The draft reply is saved. Send it to the legal review when it is ready."),
    )


@require_POST
@staff_required
def submit_for_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "submit_for_review",
        lambda case, form, user: services.submit_for_review(case, actor=user),
        lambda case: _("The reply is sent to the legal review."),
    )


def _decision_message(case: InfoRequest) -> str:
    if case.state == State.REPLIED:
        return _("The reply is approved and issued.")
    if case.state == State.HEAD_APPROVAL:
        return _("The reply is approved and goes to the head for approval.")
    return _("The reply is returned to the handler.")


@require_POST
@staff_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "review",
        lambda case, form, user: services.review_request(
            case,
            actor=user,
            approve=cast(action_forms.DecisionForm, form).approve,
            comment=form.cleaned_data["comment"],
        ),
        _decision_message,
    )


@require_POST
@staff_required
def approve_as_head(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "approve_as_head",
        lambda case, form, user: services.approve_as_head(
            case,
            actor=user,
            approve=cast(action_forms.DecisionForm, form).approve,
            comment=form.cleaned_data["comment"],
        ),
        _decision_message,
    )


@require_POST
@staff_required
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "deliver",
        lambda case, form, user: services.deliver_request(
            case, actor=user, how=form.cleaned_data["how"], on=form.cleaned_data.get("on")
        ),
        lambda case: _("The delivery is recorded."),
    )


@require_POST
@staff_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close",
        lambda case, form, user: services.close_request(case, actor=user),
        lambda case: _("The case is closed."),
    )


@require_POST
@staff_required
def propose_for_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    """REG 44: a catalogue draft of the handling agency from the released files; the editor
    goes on in the catalogue's workbench."""
    return _act(
        request,
        pk,
        "propose_for_disclosure",
        lambda case, form, user: services.propose_for_disclosure(case, actor=user),
        lambda document: _(
            "A catalogue draft is made from the released files: complete it and send it to "
            "the confidentiality review."
        ),
        redirect=lambda document: reverse("catalogue_staff:document_detail", args=[document.pk]),
    )


@require_POST
@staff_required
def record_remedy(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "record_remedy",
        lambda case, form, user: services.record_remedy(
            case,
            actor=user,
            kind=form.cleaned_data["kind"],
            body=form.cleaned_data["body"],
            filed_on=form.cleaned_data["filed_on"],
            case_number=form.cleaned_data["case_number"],
        ),
        lambda remedy: (
            _("The %(kind)s before %(body)s is recorded.")
            % {"kind": remedy.get_kind_display(), "body": remedy.body}
        ),
    )


@require_POST
@staff_required
def decide_remedy(request: HttpRequest, pk: int, remedy_pk: int) -> HttpResponse:
    def perform(case: InfoRequest, form: action_forms.ActionForm, user: User) -> Remedy:
        return services.decide_remedy(
            cast(action_forms.DecideRemedyForm, form).remedy,
            actor=user,
            result=form.cleaned_data["result"],
            decided_on=form.cleaned_data["decided_on"],
            note=form.cleaned_data["note"],
        )

    return _act(
        request,
        pk,
        "decide_remedy",
        perform,
        lambda remedy: (
            _("The result of the %(kind)s is recorded: %(result)s.")
            % {"kind": remedy.get_kind_display(), "result": remedy.get_result_display()}
        ),
        target=lambda case: get_object_or_404(case.remedies.all(), pk=remedy_pk),
    )


@require_POST
@staff_required
def reissue_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "reissue_notice",
        lambda case, form, user: letters.reissue_notice(
            form.cleaned_data["notice"],
            actor=user,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
        lambda notice: (
            _("Notice %(number)s is issued; it replaces %(old)s.")
            % {"number": notice.number, "old": notice.replaces.number if notice.replaces else ""}
        ),
    )
