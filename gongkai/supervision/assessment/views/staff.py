"""Workbench pages of assessment: schemes and their indicators, hand scoring, the scorecards
with the records behind each figure, and the accountability records.

Who (``assessment.permissions``): the disclosure office defines and publishes, its assessors
score by hand, and it alone opens the accountability records; an agency's staff see their own
agency's scorecards, provisional while the year runs. Anyone else — and an agency's staff
asking for another agency's scorecard — gets the workbench's refusal page (403) and nothing
changes; anonymous visitors are sent to sign in. Every change goes through
``assessment.services``, which checks the permission again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.core import uploads
from gongkai.supervision.assessment import permissions, selectors, services
from gongkai.supervision.assessment.forms import (
    AccountabilityForm,
    HandScoreForm,
    IndicatorForm,
    NewVersionForm,
    SchemeEditForm,
    SchemeForm,
)
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    EvidenceFile,
    HandScore,
    Indicator,
    IndicatorScheme,
)
from gongkai.supervision.assessment.workflow import AssessmentError
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import refuse_action, staff_required, staff_user

View = Callable[..., HttpResponse]
RECORDS_PAGE_SIZE = 100
State = IndicatorScheme.State


def _index_link() -> tuple[str, str]:
    return reverse("assessment_staff:index"), _("Assessment")


def _refuse(request: HttpRequest, message: str, *, back: tuple[str, str] | None = None):
    """The workbench's refusal page: why, and nothing was changed."""
    return refuse_action(request, message, back=back, to_list=_index_link())


def _refuse_record(request: HttpRequest) -> HttpResponse:
    return _refuse(request, _("This does not exist, or it is not yours to see."))


def assessment_staff_required(view: View) -> View:
    """Signed in with a role, and either the office or an agency's staff."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.works_on_assessment(request.user):
            return _refuse(
                request,
                _("Scorecards are seen by the disclosure office and by each agency's staff."),
            )
        return view(request, *args, **kwargs)

    return wrapper


def office_required(view: View) -> View:
    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_schemes(request.user):
            return _refuse(
                request, _("Indicator schemes and scores are managed by the disclosure office.")
            )
        return view(request, *args, **kwargs)

    return wrapper


def accountability_required(view: View) -> View:
    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_accountability(request.user):
            return _refuse(
                request, _("Accountability records are kept by the disclosure office only.")
            )
        return view(request, *args, **kwargs)

    return wrapper


def _run(form: Any, action: Callable[[], Any]) -> Any:
    """Call the service; a refusal goes next to the field it names and returns None."""
    try:
        return action()
    except AssessmentError as error:
        form.add_service_error(error)
        return None


def _act(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Call a service without a form: its refusal becomes an error message."""
    try:
        action()
    except AssessmentError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _scheme(request: HttpRequest, pk: int) -> IndicatorScheme | None:
    return permissions.schemes_visible_to(request.user).filter(pk=pk).first()


def _scheme_url(scheme: IndicatorScheme) -> str:
    return reverse("assessment_staff:scheme_detail", args=[scheme.pk])


def _scheme_link(scheme: IndicatorScheme) -> tuple[str, str]:
    return _scheme_url(scheme), _("Scheme %(year)s, version %(version)s") % {
        "year": scheme.year,
        "version": scheme.version,
    }


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render a page of this part with what its sub-navigation needs."""
    context.setdefault("is_office", permissions.can_manage_schemes(request.user))
    return render(request, f"assessment/staff/{template}", context, status=status)


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str,
    intro: str = "",
    submit: str = "",
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
    template: str = "form.html",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "intro": intro,
        "cancel_url": cancel_url,
        "submit": submit or _("Save"),
        "multipart": multipart,
        **(extra or {}),
    }
    return _render(request, template, context, status=status)


# --------------------------------------------------------------------------- index


@require_GET
@assessment_staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The office: every scheme by year. An agency's staff: their agencies' scorecards under
    the active and published schemes."""
    user = staff_user(request)
    is_office = permissions.can_manage_schemes(user)
    schemes = list(permissions.schemes_visible_to(user).order_by("-year", "-version"))
    own: list[Agency] = []
    if not is_office:
        own = list(permissions.scorecard_agencies_for(user).order_by("sort_order", "pk"))
        chosen = current_agency(request)
        if chosen is not None and chosen in own:
            own = [chosen] + [agency for agency in own if agency != chosen]
    years: dict[int, list[IndicatorScheme]] = {}
    for scheme in schemes:
        years.setdefault(scheme.year, []).append(scheme)
    return _render(
        request,
        "index.html",
        {
            "years": sorted(years.items(), reverse=True),
            "is_office": is_office,
            "own_agencies": own,
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------- schemes


@require_http_methods(["GET", "POST"])
@office_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = SchemeForm(
        request.POST or None,
        schemes=permissions.schemes_visible_to(user),
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = _run(
            form,
            lambda: services.create_scheme(
                data["year"],
                title=data["title"],
                description=data["description"],
                copy_from=data["copy_from"],
                actor=user,
            ),
        )
        if scheme is not None:
            messages.success(request, _("The draft scheme was made."))
            return HttpResponseRedirect(_scheme_url(scheme))
    return _form_page(
        request,
        form,
        title=_("New indicator scheme"),
        intro=_(
            "A new scheme is a draft: define its indicators, then activate it to make it the "
            "year's scheme."
        ),
        cancel_url=reverse("assessment_staff:index"),
    )


@require_GET
@office_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    nodes = selectors.indicator_tree(scheme)
    today = timezone.localdate()
    end = selectors.assessed_until(scheme.year, today=today)
    counts: dict[int, int] = {}
    for indicator_id in HandScore.objects.filter(indicator__scheme=scheme).values_list(
        "indicator_id", flat=True
    ):
        counts[indicator_id] = counts.get(indicator_id, 0) + 1
    rows = [
        {
            "node": node,
            "rule": selectors.rule_text(node.indicator),
            "hand_scores": counts.get(node.indicator.pk, 0),
        }
        for node in nodes
    ]
    return _render(
        request,
        "scheme_detail.html",
        {
            "scheme": scheme,
            "nodes": rows,
            "max_total": selectors.max_total(nodes),
            "editable": not scheme.is_frozen,
            "can_publish": scheme.state == State.ACTIVE
            and not scheme.is_published
            and selectors.year_is_over(scheme.year, today=today),
            "missing": selectors.missing_hand_scores(scheme, end=end) if end else [],
            "earlier": selectors.earlier_publications(scheme) if scheme.is_published else [],
            "year_over": selectors.year_is_over(scheme.year, today=today),
        },
    )


@require_http_methods(["GET", "POST"])
@office_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    if scheme.is_frozen:
        return _refuse(
            request,
            _("This scheme is frozen: make a new version to change it."),
            back=_scheme_link(scheme),
        )
    form = SchemeEditForm(
        request.POST or None,
        initial={"title": scheme.title, "description": scheme.description},
    )
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: services.update_scheme(
                scheme,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                actor=staff_user(request),
            ),
        )
        if done is not None:
            messages.success(request, _("The scheme was saved."))
            return HttpResponseRedirect(_scheme_url(scheme))
    return _form_page(request, form, title=_("Edit the scheme"), cancel_url=_scheme_url(scheme))


@require_POST
@office_required
def scheme_activate(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    _act(
        request,
        lambda: services.activate_scheme(scheme, actor=staff_user(request)),
        _("The scheme is now the year's scheme."),
    )
    return HttpResponseRedirect(_scheme_url(scheme))


@require_POST
@office_required
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    if _act(
        request,
        lambda: services.publish_scores(scheme, actor=staff_user(request)),
        _("The scorecards are published on the portal."),
    ):
        return HttpResponseRedirect(reverse("assessment_staff:scorecards", args=[scheme.pk]))
    return HttpResponseRedirect(_scheme_url(scheme))


@require_http_methods(["GET", "POST"])
@office_required
def scheme_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = _run(
            form,
            lambda: services.new_version(
                scheme, change_note=form.cleaned_data["change_note"], actor=staff_user(request)
            ),
        )
        if draft is not None:
            messages.success(request, _("The new version is a draft: change it, then activate it."))
            return HttpResponseRedirect(_scheme_url(draft))
    return _form_page(
        request,
        form,
        title=_("New version of the scheme"),
        intro=_(
            "The new version starts as a copy of this one, with its hand scores. The published "
            "scorecards stay as they are until the new version is published as a correction."
        ),
        cancel_url=_scheme_url(scheme),
    )


# --------------------------------------------------------------------------- indicators


def _editable_scheme(request: HttpRequest, pk: int) -> IndicatorScheme | HttpResponse:
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    if scheme.is_frozen:
        return _refuse(
            request,
            _("This scheme is frozen: make a new version to change it."),
            back=_scheme_link(scheme),
        )
    return scheme


def _indicator(request: HttpRequest, pk: int) -> Indicator | None:
    schemes = permissions.schemes_visible_to(request.user)
    return (
        Indicator.objects.filter(pk=pk, scheme__in=schemes)
        .select_related("scheme", "assessor")
        .first()
    )


@require_http_methods(["GET", "POST"])
@office_required
def indicator_new(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _editable_scheme(request, pk)
    if isinstance(scheme, HttpResponse):
        return scheme
    initial: dict[str, Any] = {"sort_order": (scheme.indicators.count() + 1) * 10}
    parent = request.GET.get("parent", "")
    if parent.isascii() and parent.isdigit():
        initial["parent"] = int(parent)
    form = IndicatorForm(request.POST or None, scheme=scheme, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = _run(
            form,
            lambda: services.add_indicator(scheme, form.service_input(), actor=staff_user(request)),
        )
        if created is not None:
            messages.success(request, _("The indicator was added."))
            return HttpResponseRedirect(_scheme_url(scheme))
    return _form_page(
        request,
        form,
        title=_("New indicator"),
        cancel_url=_scheme_url(scheme),
        template="indicator_form.html",
        extra={"scheme": scheme},
    )


@require_http_methods(["GET", "POST"])
@office_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    if indicator is None:
        return _refuse_record(request)
    scheme = _editable_scheme(request, indicator.scheme_id)
    if isinstance(scheme, HttpResponse):
        return scheme
    form = IndicatorForm(request.POST or None, scheme=scheme, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.update_indicator(
                indicator, form.service_input(), actor=staff_user(request)
            ),
        )
        if changed is not None:
            messages.success(request, _("The indicator was saved."))
            return HttpResponseRedirect(_scheme_url(scheme))
    return _form_page(
        request,
        form,
        title=_("Indicator %(code)s") % {"code": indicator.code},
        cancel_url=_scheme_url(scheme),
        template="indicator_form.html",
        extra={"scheme": scheme, "indicator": indicator},
    )


@require_POST
@office_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    if indicator is None:
        return _refuse_record(request)
    scheme = indicator.scheme
    _act(
        request,
        lambda: services.delete_indicator(indicator, actor=staff_user(request)),
        _("The indicator was removed."),
    )
    return HttpResponseRedirect(_scheme_url(scheme))


# --------------------------------------------------------------------------- scorecards


@require_GET
@office_required
def scorecards(request: HttpRequest, pk: int) -> HttpResponse:
    """Every member agency's total and rank: as published, or computed now (provisional)."""
    scheme = _scheme(request, pk)
    if scheme is None:
        return _refuse_record(request)
    nodes = selectors.indicator_tree(scheme)  # read once for the cards and the maximum
    if scheme.is_published:
        rows = [
            {"agency": row.agency, "total": row.total, "rank": row.rank}
            for row in selectors.published_ranking(scheme)
        ]
        end = selectors.year_bounds(scheme.year)[1]
    else:
        end_or_none = selectors.assessed_until(scheme.year)
        if end_or_none is None:
            rows, end = [], selectors.year_bounds(scheme.year)[0]
        else:
            end = end_or_none
            rows = [
                {"agency": card.agency, "total": card.total, "rank": card.rank}
                # Totals and ranks only: the hand scores' evidence is not shown here.
                for card in selectors.compute_cards(scheme, end=end, nodes=nodes, evidence=False)
            ]
    return _render(
        request,
        "scorecards.html",
        {
            "scheme": scheme,
            "rows": rows,
            "end": end,
            "max_total": selectors.max_total(nodes),
        },
    )


def _card_agency(request: HttpRequest, slug: str) -> Agency | None:
    return permissions.scorecard_agencies_for(request.user).filter(slug=slug).first()


def _card(scheme: IndicatorScheme, agency: Agency) -> selectors.Card | None:
    if scheme.is_published:
        return selectors.published_card(scheme, agency)
    return selectors.provisional_card(scheme, agency)


@require_GET
@assessment_staff_required
def agency_card(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """An agency's scorecard: published, or provisional (computed now) while the year runs."""
    scheme = _scheme(request, pk)
    agency = _card_agency(request, slug)
    if scheme is None or agency is None:
        return _refuse(
            request, _("This scorecard does not exist, or it is another agency's to see.")
        )
    card = _card(scheme, agency)
    return _render(
        request,
        "card.html",
        {
            "scheme": scheme,
            "agency": agency,
            "card": card,
            "is_office": permissions.can_manage_schemes(request.user),
        },
    )


@require_GET
@assessment_staff_required
def card_records(request: HttpRequest, pk: int, slug: str, indicator_pk: int) -> HttpResponse:
    """The records behind one computed figure of an agency's scorecard (numbers, titles and
    dates only): as stored at publication, or as they stand now."""
    scheme = _scheme(request, pk)
    agency = _card_agency(request, slug)
    if scheme is None or agency is None:
        return _refuse(
            request, _("This scorecard does not exist, or it is another agency's to see.")
        )
    card = _card(scheme, agency)
    line = card.line_for(indicator_pk) if card is not None else None
    if line is None or not line.has_records:
        raise Http404(_("This indicator is not computed from records."))
    shown = request.GET.get("show", "")
    records = list(line.records)
    if shown == "counted":
        records = [row for row in records if row.counted]
    elif shown == "not_counted":
        records = [row for row in records if not row.counted]
    page = Paginator(records, RECORDS_PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "records.html",
        {
            "scheme": scheme,
            "agency": agency,
            "card": card,
            "line": line,
            "page": page,
            "shown": shown,
            "is_office": permissions.can_manage_schemes(request.user),
        },
    )


# --------------------------------------------------------------------------- hand scores


def _manual_indicator(request: HttpRequest, pk: int) -> Indicator | None:
    indicator = _indicator(request, pk)
    if indicator is None or indicator.kind != Indicator.Kind.MANUAL:
        return None
    return indicator


@require_GET
@office_required
def hand_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """A hand-scored indicator's members and their scores, for its assessor and the office."""
    indicator = _manual_indicator(request, pk)
    if indicator is None:
        return _refuse_record(request)
    scheme = indicator.scheme
    start, end = selectors.year_bounds(scheme.year)
    scores = {
        score.agency_id: score
        for score in indicator.hand_scores.select_related("assessor").prefetch_related(
            "files", "documents"
        )
    }
    members = selectors.member_periods(start, end)
    return _render(
        request,
        "hand_scores.html",
        {
            "scheme": scheme,
            "indicator": indicator,
            "rows": [(period.agency, scores.get(period.agency.pk)) for period in members],
            "may_score": permissions.can_score_by_hand(request.user, indicator)
            and not scheme.is_frozen,
        },
    )


@require_http_methods(["GET", "POST"])
@office_required
def hand_score_edit(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    indicator = _manual_indicator(request, pk)
    agency = Agency.objects.filter(slug=slug).first()
    if indicator is None or agency is None:
        return _refuse_record(request)
    back = (
        reverse("assessment_staff:hand_scores", args=[indicator.pk]),
        _("Hand scores of %(code)s") % {"code": indicator.code},
    )
    if not permissions.can_score_by_hand(request.user, indicator):
        return _refuse(
            request,
            _("Hand scores on this indicator are entered by its assessor, %(name)s.")
            % {"name": indicator.assessor.get_full_name() if indicator.assessor else ""},
            back=back,
        )
    if indicator.scheme.is_frozen:
        return _refuse(
            request, _("This scheme is frozen: its hand scores can no longer change."), back=back
        )
    hand_score = (
        HandScore.objects.filter(indicator=indicator, agency=agency)
        .prefetch_related("files", "documents")
        .first()
    )
    form = HandScoreForm(request.POST or None, request.FILES or None, hand_score=hand_score)
    if request.method == "POST" and form.is_valid():
        saved = _run(
            form,
            lambda: services.record_hand_score(
                indicator, agency, actor=staff_user(request), **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(request, _("The hand score was saved."))
            return HttpResponseRedirect(back[0])
    return _form_page(
        request,
        form,
        title=_("%(code)s %(name)s: %(agency)s")
        % {"code": indicator.code, "name": indicator.name, "agency": agency.name},
        intro=_(
            "From 0 to %(max)s points. A comment and at least one piece of evidence are required."
        )
        % {"max": indicator.max_points},
        cancel_url=back[0],
        multipart=True,
        template="hand_score_form.html",
        extra={"indicator": indicator, "agency": agency, "hand_score": hand_score},
    )


@require_POST
@office_required
def hand_score_delete(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    indicator = _manual_indicator(request, pk)
    hand_score = (
        HandScore.objects.filter(indicator=indicator, agency__slug=slug).first()
        if indicator
        else None
    )
    if indicator is None or hand_score is None:
        return _refuse_record(request)
    url = reverse("assessment_staff:hand_scores", args=[indicator.pk])
    try:
        services.delete_hand_score(hand_score, actor=staff_user(request))
    except AssessmentError as error:
        return _refuse(request, error.message, back=(url, indicator.name))
    messages.success(request, _("The hand score was withdrawn."))
    return HttpResponseRedirect(url)


@require_GET
@assessment_staff_required  # type: ignore[arg-type]  # a FileResponse streams
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, always as a download: the office and the scored agency's staff."""
    evidence = (
        EvidenceFile.objects.filter(pk=pk)
        .select_related("hand_score", "hand_score__agency")
        .first()
    )
    if evidence is None or not permissions.can_download_evidence(request.user, evidence.hand_score):
        return _refuse_record(request)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing.")) from error
    return uploads.file_response(
        handle, filename=evidence.original_name, content_type=evidence.content_type
    )


# --------------------------------------------------------------------------- accountability


@require_GET
@accountability_required
def accountability_list(request: HttpRequest) -> HttpResponse:
    records = permissions.accountability_records_visible_to(request.user).select_related("agency")
    year = request.GET.get("year", "")
    chosen = int(year) if year.isascii() and year.isdigit() and len(year) == 4 else None
    years = sorted({day.year for day in records.values_list("decided_on", flat=True)}, reverse=True)
    if chosen is not None:
        records = records.filter(decided_on__year=chosen)
    return _render(
        request,
        "accountability_list.html",
        {
            "records": records.order_by("-decided_on", "-pk"),
            "years": years,
            "year": chosen,
            "summary": selectors.accountability_summary(chosen) if chosen else None,
        },
    )


@require_http_methods(["GET", "POST"])
@accountability_required
def accountability_new(request: HttpRequest) -> HttpResponse:
    form = AccountabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = _run(
            form,
            lambda: services.record_accountability(
                actor=staff_user(request), **form.service_arguments()
            ),
        )
        if record is not None:
            messages.success(request, _("The accountability record was saved."))
            return HttpResponseRedirect(reverse("assessment_staff:accountability_list"))
    return _form_page(
        request,
        form,
        title=_("New accountability record"),
        intro=_("The person's name is seen by the disclosure office only."),
        cancel_url=reverse("assessment_staff:accountability_list"),
    )


@require_http_methods(["GET", "POST"])
@accountability_required
def accountability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record: AccountabilityRecord | None = (
        permissions.accountability_records_visible_to(request.user).filter(pk=pk).first()
    )
    if record is None:
        return _refuse_record(request)
    form = AccountabilityForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        changed = _run(
            form,
            lambda: services.update_accountability(
                record, actor=staff_user(request), **form.service_arguments()
            ),
        )
        if changed is not None:
            messages.success(request, _("The accountability record was saved."))
            return HttpResponseRedirect(reverse("assessment_staff:accountability_list"))
    return _form_page(
        request,
        form,
        title=_("Correct the accountability record"),
        cancel_url=reverse("assessment_staff:accountability_list"),
    )
