"""Staff pages of hotline sessions, service logs, channel figures and opinion responses, and
the yearly summary.

Who: an agency's editors enter their agency's figures, the disclosure office every agency's and
the hotline sessions (``channels.permissions``). Anyone else — and an editor asking for another
agency's record — gets the workbench's refusal page (403) and nothing changes; anonymous
visitors are sent to sign in. Every change goes through ``channels.services``, which checks the
permission again; these views only look records up through the ``*_visible_to`` querysets,
refuse early and render.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from gongkai.interaction.channels import permissions, selectors, services
from gongkai.interaction.channels.forms import (
    ChannelFiguresForm,
    CloseOpinionForm,
    HotlineSessionForm,
    NewServiceLogForm,
    OpinionForm,
    ResponseForm,
    ServiceFiguresForm,
)
from gongkai.interaction.channels.models import (
    SERVICE_FIGURES,
    Channel,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
)
from gongkai.interaction.channels.workflow import ChannelsError
from gongkai.interaction.letters.permissions import can_receive_letters, letters_visible_to
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def _summary_link() -> tuple[str, str]:
    return reverse("channels_staff:summary"), _("Hotline and services")


def _refuse(request: HttpRequest, message: str, *, back: tuple[str, str] | None = None):
    """The workbench's refusal page: why, and nothing was changed."""
    return refuse_action(request, message, back=back, to_list=_summary_link())


def _refuse_record(request: HttpRequest) -> HttpResponse:
    return _refuse(
        request,
        _("This record does not exist, or it belongs to an agency whose figures you do not enter."),
    )


def channels_staff_required(view: View) -> View:
    """Signed in with a role (``staff_required``), and entering figures somewhere: an editor
    of some agency, or the office. Others get the refusal page."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.works_on_channels(request.user):
            return _refuse(
                request,
                _(
                    "Hotline, service and channel figures are entered by the agencies' editors "
                    "and the disclosure office."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper


def office_required(view: View) -> View:
    """The hotline pages: the disclosure office only."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_record_hotline_sessions(request.user):
            return _refuse(request, _("Hotline sessions are recorded by the disclosure office."))
        return view(request, *args, **kwargs)

    return wrapper


def _year(request: HttpRequest, default: int) -> int:
    value = request.GET.get("year", "")
    if value.isascii() and value.isdigit() and len(value) == 4:
        return int(value)
    return default


def _chosen_year(request: HttpRequest) -> tuple[int, list[int]]:
    """The year asked for (else the latest with records, else this year), and the years to
    offer: those with records and the one chosen."""
    years = selectors.years_with_records()
    year = _year(request, years[0] if years else timezone.localdate().year)
    return year, sorted({*years, year}, reverse=True)


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    section: str,
    title: str,
    cancel_url: str,
    intro: str = "",
    submit: str = "",
) -> HttpResponse:
    return _render(
        request,
        "form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "cancel_url": cancel_url,
            "submit": submit or _("Save"),
            "section": section,
        },
    )


def _run(form: Any, action: Callable[[], Any]) -> Any:
    """Call the service; a refusal goes next to the field it names and returns None."""
    try:
        return action()
    except ChannelsError as error:
        form.add_service_error(error)
        return None


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page of this part with what its sub-navigation needs."""
    context["can_record_hotline"] = permissions.can_record_hotline_sessions(request.user)
    return render(request, f"interaction/channels/staff/{template}", context)


def _visible(queryset: models.QuerySet[Any], pk: int) -> Any:
    return queryset.filter(pk=pk).first()


# --------------------------------------------------------------------------- summary


@require_http_methods(["GET"])
@channels_staff_required
def summary(request: HttpRequest) -> HttpResponse:
    """The year's totals: the whole government's and every agency's for the office, the
    user's own agencies' for an editor."""
    user = staff_user(request)
    year, years = _chosen_year(request)
    records = selectors.load_year(year)
    own = set(permissions.figure_agencies_for(user).values_list("pk", flat=True))
    is_office = permissions.can_record_hotline_sessions(user)
    government = selectors.summarise(records) if is_office else None
    agencies = [
        row for row in selectors.agency_summaries(records) if row.agency and row.agency.pk in own
    ]
    return _render(
        request,
        "summary.html",
        {
            "year": year,
            "years": years,
            "government": government,
            "agencies": agencies,
            "is_office": is_office,
            "open_opinions": selectors.open_opinions(permissions.figure_agencies_for(user))[:20],
        },
    )


# --------------------------------------------------------------------------- hotline


@require_http_methods(["GET"])
@office_required
def hotline_list(request: HttpRequest) -> HttpResponse:
    year, years = _chosen_year(request)
    sessions = list(
        selectors.with_follow_up_letters(permissions.hotline_sessions_visible_to(request.user))
        .filter(aired_on__year=year)
        .select_related("programme")
        .prefetch_related("agencies")
        .order_by("aired_on", "programme__sort_order", "id")
    )
    return _render(
        request,
        "hotline_list.html",
        {
            "year": year,
            "years": years,
            "sessions": sessions,
            "totals": selectors.hotline_totals(selectors.session_rows(sessions)),
        },
    )


@require_http_methods(["GET"])
@office_required
def hotline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's page: its figures and its follow-up letters, with "register a follow-up"
    (the letters' registration form, for this session)."""
    user = staff_user(request)
    session: HotlineSession | None = _visible(
        selectors.with_follow_up_letters(permissions.hotline_sessions_visible_to(user))
        .select_related("programme", "recorded_by")
        .prefetch_related("agencies"),
        pk,
    )
    if session is None:
        return _refuse_record(request)
    follow_ups = (
        letters_visible_to(user)
        .filter(hotline_session=session)
        .select_related("letter_type", "handling_agency")
        .order_by("received_on", "id")
    )
    return _render(
        request,
        "hotline_detail.html",
        {
            "session": session,
            "follow_ups": follow_ups,
            "can_register": can_receive_letters(user),
            "register_url": reverse("letters_staff:register") + f"?session={session.pk}",
        },
    )


@require_http_methods(["GET", "POST"])
@office_required
def hotline_new(request: HttpRequest) -> HttpResponse:
    form = HotlineSessionForm(request.POST or None, initial={"aired_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        session = _run(
            form,
            lambda: services.record_hotline_session(
                form.cleaned_data["programme"],
                actor=staff_user(request),
                **form.service_arguments(),
            ),
        )
        if session is not None:
            messages.success(request, _("The session was recorded."))
            url = reverse("channels_staff:hotline_list") + f"?year={session.aired_on.year}"
            return HttpResponseRedirect(url)
    return _form_page(
        request,
        form,
        section="hotline",
        title=_("New hotline session"),
        cancel_url=reverse("channels_staff:hotline_list"),
    )


@require_http_methods(["GET", "POST"])
@office_required
def hotline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session: HotlineSession | None = _visible(
        permissions.hotline_sessions_visible_to(request.user).select_related("programme"), pk
    )
    if session is None:
        return _refuse_record(request)
    form = HotlineSessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.update_hotline_session(
                session,
                programme=form.cleaned_data["programme"],
                actor=staff_user(request),
                **form.service_arguments(),
            ),
        )
        if changed is not None:
            messages.success(request, _("The session was saved."))
            return HttpResponseRedirect(reverse("channels_staff:hotline_detail", args=[pk]))
    return _form_page(
        request,
        form,
        section="hotline",
        title=_("Hotline session of %(date)s") % {"date": f"{session.aired_on:%Y-%m-%d}"},
        intro=_follow_up_intro(session),
        cancel_url=reverse("channels_staff:hotline_detail", args=[pk]),
    )


def _follow_up_intro(session: HotlineSession) -> str:
    """What the form says of the follow-up figure once letters are linked to the session."""
    letters = session.follow_up_letters.count()  # type: ignore[attr-defined]
    if not letters:
        return ""
    return ngettext(
        "%(count)d follow-up letter is registered for this session: the session's follow-up "
        "figure counts the letters, and the number entered below is kept only as announced.",
        "%(count)d follow-up letters are registered for this session: the session's follow-up "
        "figure counts the letters, and the number entered below is kept only as announced.",
        letters,
    ) % {"count": letters}


# --------------------------------------------------------------------------- service logs


@require_http_methods(["GET"])
@channels_staff_required
def log_list(request: HttpRequest) -> HttpResponse:
    """The logs of the user's service points, newest first; by point and year."""
    user = staff_user(request)
    points = permissions.service_points_visible_to(user).select_related("agency")
    logs = permissions.service_logs_visible_to(user).select_related("point", "point__agency")
    point_id = request.GET.get("point", "")
    chosen_point = None
    if point_id.isascii() and point_id.isdigit():
        chosen_point = _visible(points, int(point_id))
        if chosen_point is not None:
            logs = logs.filter(point=chosen_point)
    year = _year(request, 0)
    if year:
        logs = logs.filter(date__year=year)
    totals = selectors.service_totals(
        selectors.LogRow(*values)
        for values in logs.values_list("point_id", "point__agency_id", "date", *SERVICE_FIGURES)
    )
    page = Paginator(logs.order_by("-date", "point__sort_order", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "log_list.html",
        {
            "points": points.order_by("sort_order", "id"),
            "chosen_point": chosen_point,
            "year": year or "",
            "page": page,
            "totals": totals,
            "filtered": bool(chosen_point or year),
        },
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def log_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    points = permissions.service_points_visible_to(user).filter(active=True)
    initial: dict[str, Any] = {"date": timezone.localdate()}
    agency = current_agency(request)
    first = points.filter(agency=agency).order_by("sort_order", "id").first() if agency else None
    if first is not None:
        initial["point"] = first.pk
    form = NewServiceLogForm(
        request.POST or None,
        points=points.select_related("agency").order_by("sort_order", "id"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        log = _run(
            form,
            lambda: services.record_service_log(
                form.cleaned_data["point"],
                day=form.cleaned_data["date"],
                actor=user,
                **form.figures(),
            ),
        )
        if log is not None:
            messages.success(request, _("The day was logged."))
            return HttpResponseRedirect(
                reverse("channels_staff:log_list") + f"?point={log.point_id}"
            )
    return _form_page(
        request,
        form,
        section="services",
        title=_("Log a day of service"),
        intro=_("One log a service point and day; a day already logged is corrected instead."),
        cancel_url=reverse("channels_staff:log_list"),
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    log: ServiceLog | None = _visible(
        permissions.service_logs_visible_to(request.user).select_related("point", "point__agency"),
        pk,
    )
    if log is None:
        return _refuse_record(request)
    form = ServiceFiguresForm(request.POST or None, initial=log.figures())
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.update_service_log(log, actor=staff_user(request), **form.figures()),
        )
        if changed is not None:
            messages.success(request, _("The day's figures were replaced."))
            return HttpResponseRedirect(
                reverse("channels_staff:log_list") + f"?point={log.point_id}"
            )
    return _form_page(
        request,
        form,
        section="services",
        title=_("%(point)s on %(date)s")
        % {"point": log.point.name, "date": f"{log.date:%Y-%m-%d}"},
        intro=_("Saving replaces the day's figures; the audit trail keeps the old ones."),
        cancel_url=reverse("channels_staff:log_list") + f"?point={log.point_id}",
    )


# --------------------------------------------------------------------------- channel figures


def _channel(request: HttpRequest, pk: int) -> Channel | None:
    return _visible(permissions.channels_visible_to(request.user).select_related("agency"), pk)


@require_http_methods(["GET"])
@channels_staff_required
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = (
        permissions.channels_visible_to(request.user)
        .select_related("agency")
        .annotate(last_year=models.Max("figures__year"))
        .order_by("agency__sort_order", "sort_order", "id")
    )
    return _render(request, "channel_list.html", {"channels": channels})


@require_http_methods(["GET"])
@channels_staff_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk)
    if channel is None:
        return _refuse_record(request)
    metrics = channel.metric_choices
    periods = [
        (year, month, [values.get(metric.value) for metric in metrics])
        for year, month, values in selectors.channel_periods(channel)
    ]
    return _render(
        request,
        "channel_detail.html",
        {"channel": channel, "metrics": metrics, "periods": periods},
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def figures_new(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk)
    if channel is None:
        return _refuse_record(request)
    today = timezone.localdate()
    form = ChannelFiguresForm(
        request.POST or None, channel=channel, initial={"year": today.year, "month": today.month}
    )
    if request.method == "POST" and form.is_valid():
        figures = _run(
            form,
            lambda: services.record_channel_figures(
                channel,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
                values=form.values(),
                actor=staff_user(request),
            ),
        )
        if figures is not None:
            messages.success(request, _("The figures were entered."))
            return HttpResponseRedirect(reverse("channels_staff:channel_detail", args=[pk]))
    return _form_page(
        request,
        form,
        section="channels",
        title=_("Figures of %(channel)s") % {"channel": channel.name},
        intro=_(
            "A month, or the whole year; a year is entered either month by month or as a whole. "
            "Leave a figure empty when it is not known."
        ),
        cancel_url=reverse("channels_staff:channel_detail", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def figures_edit(
    request: HttpRequest, pk: int, year: int, month: int | None = None
) -> HttpResponse:
    channel = _channel(request, pk)
    if channel is None:
        return _refuse_record(request)
    current = {
        figure.metric: figure.value
        for figure in permissions.channel_figures_visible_to(request.user).filter(
            channel=channel, year=year, month=month
        )
    }
    if not current:
        raise Http404(_("No figures were entered for this period."))
    form = ChannelFiguresForm(
        request.POST or None,
        channel=channel,
        fixed_period=True,
        initial={"year": year, "month": month, **current},
    )
    if request.method == "POST" and form.is_valid():
        figures = _run(
            form,
            lambda: services.update_channel_figures(
                channel, year=year, month=month, values=form.values(), actor=staff_user(request)
            ),
        )
        if figures is not None:
            messages.success(request, _("The figures were replaced."))
            return HttpResponseRedirect(reverse("channels_staff:channel_detail", args=[pk]))
    return _form_page(
        request,
        form,
        section="channels",
        title=_("Figures of %(channel)s for %(period)s")
        % {"channel": channel.name, "period": services.period_label(year, month)},
        intro=_(
            "Saving replaces the period's figures (a figure left empty is no longer reported); "
            "the audit trail keeps the old ones."
        ),
        cancel_url=reverse("channels_staff:channel_detail", args=[pk]),
    )


# --------------------------------------------------------------------------- opinions


def _opinion(request: HttpRequest, pk: int) -> OpinionResponse | None:
    return _visible(
        permissions.opinions_visible_to(request.user).select_related("agency", "response_document"),
        pk,
    )


def _opinion_url(opinion: OpinionResponse) -> str:
    return reverse("channels_staff:opinion_detail", args=[opinion.pk])


@require_http_methods(["GET"])
@channels_staff_required
def opinion_list(request: HttpRequest) -> HttpResponse:
    opinions = permissions.opinions_visible_to(request.user).select_related("agency")
    state = request.GET.get("state", "")
    if state in OpinionResponse.State.values:
        opinions = opinions.filter(state=state)
    year = _year(request, 0)
    if year:
        opinions = opinions.filter(found_on__year=year)
    page = Paginator(opinions.order_by("-found_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "opinion_list.html",
        {
            "page": page,
            "state": state,
            "states": OpinionResponse.State.choices,
            "year": year or "",
        },
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def opinion_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    agencies = permissions.figure_agencies_for(user)
    agency = current_agency(request)
    initial: dict[str, Any] = {"found_on": timezone.localdate()}
    if agency is not None and agencies.filter(pk=agency.pk).exists():
        initial["agency"] = agency.pk
    form = OpinionForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        opinion = _run(
            form,
            lambda: services.record_opinion(
                form.cleaned_data["agency"], actor=user, **form.service_arguments()
            ),
        )
        if opinion is not None:
            messages.success(request, _("The matter was recorded."))
            return HttpResponseRedirect(_opinion_url(opinion))
    return _form_page(
        request,
        form,
        section="opinions",
        title=_("New matter of public opinion"),
        cancel_url=reverse("channels_staff:opinion_list"),
    )


@require_http_methods(["GET"])
@channels_staff_required
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk)
    if opinion is None:
        return _refuse_record(request)
    return _render(
        request,
        "opinion_detail.html",
        {"opinion": opinion, "public_document": selectors.public_response_document(opinion)},
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    opinion = _opinion(request, pk)
    if opinion is None:
        return _refuse_record(request)
    form = OpinionForm(
        request.POST or None,
        agencies=permissions.figure_agencies_for(user),
        initial={
            "agency": opinion.agency_id,
            "topic": opinion.topic,
            "source": opinion.source,
            "source_detail": opinion.source_detail,
            "found_on": opinion.found_on,
            "notes": opinion.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.update_opinion(
                opinion, agency=form.cleaned_data["agency"], actor=user, **form.service_arguments()
            ),
        )
        if changed is not None:
            messages.success(request, _("The matter was saved."))
            return HttpResponseRedirect(_opinion_url(opinion))
    return _form_page(
        request,
        form,
        section="opinions",
        title=opinion.topic,
        cancel_url=_opinion_url(opinion),
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def opinion_respond(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk)
    if opinion is None:
        return _refuse_record(request)
    if opinion.state == OpinionResponse.State.CLOSED:
        return _refuse(
            request,
            _("A matter closed without a public response cannot be given one."),
            back=(_opinion_url(opinion), _("Back to the matter")),
        )
    initial: dict[str, Any] = {"responded_on": opinion.responded_on or timezone.localdate()}
    if opinion.response_document is not None:
        initial["document"] = opinion.response_document.index_number
    initial.update(url=opinion.response_url, title=opinion.response_title)
    form = ResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.respond_to_opinion(
                opinion, actor=staff_user(request), **form.service_arguments()
            ),
        )
        if changed is not None:
            messages.success(request, _("The response was recorded."))
            return HttpResponseRedirect(_opinion_url(opinion))
    return _form_page(
        request,
        form,
        section="opinions",
        title=_("Response to: %(topic)s") % {"topic": opinion.topic},
        intro=_(
            "A document published in the catalogue (by its index number), or the address and "
            "title of the page where the response was published."
        ),
        cancel_url=_opinion_url(opinion),
    )


@require_http_methods(["GET", "POST"])
@channels_staff_required
def opinion_close(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _opinion(request, pk)
    if opinion is None:
        return _refuse_record(request)
    if opinion.state != OpinionResponse.State.OPEN:
        return _refuse(
            request,
            _("Only a matter still being handled can be closed."),
            back=(_opinion_url(opinion), _("Back to the matter")),
        )
    form = CloseOpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.close_opinion(
                opinion, reason=form.cleaned_data["reason"], actor=staff_user(request)
            ),
        )
        if changed is not None:
            messages.success(request, _("The matter was closed without a public response."))
            return HttpResponseRedirect(_opinion_url(opinion))
    return _form_page(
        request,
        form,
        section="opinions",
        title=_("Close without a public response: %(topic)s") % {"topic": opinion.topic},
        submit=_("Close"),
        cancel_url=_opinion_url(opinion),
    )
