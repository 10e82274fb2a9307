"""The annual report's staff pages in the workbench.

The list shows the reports the user may prepare and a form to create one; a report's page
shows its checks, the whole report with every number linked to the records behind it, the
section editor with its revisions, the downloads and the button that sends it to the
catalogue's review. A report the user may not see is a 404, as if it did not exist; a refused
action changes nothing and says why.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies import selectors as agency_selectors
from gongkai.agencies.permissions import is_office
from gongkai.reports.annual import exporters, permissions, records, services
from gongkai.reports.annual.forms import CreateReportForm, SectionForm
from gongkai.reports.annual.models import AnnualReport
from gongkai.reports.content import Cell, Ref, ReportContent
from gongkai.reports.render import RenderError
from gongkai.workbench.export_views import ask_for_export
from gongkai.workbench.views import refuse_action, staff_required, staff_user

# Written in the request; the Word and PDF files are exports (``exporters.FORMATS``).
DOWNLOADS = {
    "html": ("text/html; charset=utf-8", ".html"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "json": ("application/json; charset=utf-8", ".json"),
}


def _report(request: HttpRequest, pk: int) -> AnnualReport:
    return get_object_or_404(permissions.reports_visible_to(request.user), pk=pk)


def _detail_url(report: AnnualReport) -> str:
    return reverse("reports_staff:detail", args=[report.pk])


def _refuse(request: HttpRequest, message: str, report: AnnualReport | None = None) -> HttpResponse:
    back = (_detail_url(report), _("Back to the report")) if report else None
    return refuse_action(
        request, message, back=back, to_list=(reverse("reports_staff:index"), _("Annual reports"))
    )


def _create_form(request: HttpRequest, data: object = None) -> CreateReportForm:
    return CreateReportForm(
        data,  # type: ignore[arg-type]
        agencies=permissions.agencies_for_new_report(request.user),
        may_report_government=is_office(request.user),
    )


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    reports = list(permissions.reports_visible_to(request.user))
    rows = [(report, services.state_of(report)) for report in reports]
    return render(
        request,
        "annual/staff/index.html",
        {
            "rows": rows,
            "state_labels": services.STATE_LABELS,
            "form": _create_form(request)
            if permissions.agencies_for_new_report(request.user).exists()
            else None,
        },
    )


@require_POST
@staff_required
def create(request: HttpRequest) -> HttpResponse:
    form = _create_form(request, request.POST)
    if not form.is_valid():
        return render(
            request,
            "annual/staff/index.html",
            {
                "rows": [
                    (report, services.state_of(report))
                    for report in permissions.reports_visible_to(request.user)
                ],
                "state_labels": services.STATE_LABELS,
                "form": form,
            },
            status=400,
        )
    data = form.cleaned_data
    agency = data["agency"]
    if data["scope"] == AnnualReport.Scope.GOVERNMENT:
        agency = agency_selectors.the_government() or agency
    try:
        report = services.create_report(
            agency=agency,
            year=data["year"],
            scope=data["scope"],
            report_format=data["report_format"],
            actor=staff_user(request),
        )
    except services.ReportPermissionDenied as error:
        return _refuse(request, error.message)
    except services.ReportError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return render(
            request,
            "annual/staff/index.html",
            {
                "rows": [
                    (r, services.state_of(r)) for r in permissions.reports_visible_to(request.user)
                ],
                "state_labels": services.STATE_LABELS,
                "form": form,
            },
            status=400,
        )
    messages.success(
        request, _("The report was created with drafts written from the year's figures.")
    )
    return HttpResponseRedirect(_detail_url(report))


def _cell_links(report: AnnualReport, content: ReportContent) -> Callable[[Cell], str]:
    """Each numeric cell with records behind it → the page listing them (by position)."""
    positions: dict[int, tuple[str, int, int]] = {}
    for table in content.tables():
        for row_index, row in enumerate(table.rows):
            for cell_index, cell in enumerate(row):
                if cell.refs:
                    positions[id(cell)] = (table.key, row_index, cell_index)
    base = reverse("reports_staff:records", args=[report.pk])

    def link(cell: Cell) -> str:
        where = positions.get(id(cell))
        if where is None:
            return ""
        return f"{base}?table={where[0]}&row={where[1]}&cell={where[2]}"

    return link


@require_GET
@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.reports.render.html import render_html

    report = _report(request, pk)
    edited = services.section_texts(report)
    content, check = services.content_and_check(report, texts=edited)
    state = services.state_of(report)
    body = render_html(content, staff_links=_cell_links(report, content))
    return render(
        request,
        "annual/staff/detail.html",
        {
            "report": report,
            "content": content,
            "body": mark_safe(body),  # the writer escapes every text it prints
            "check": check,
            "failures": [
                (
                    failure,
                    records.resolve(
                        request.user, [Ref("info_request", n) for n in failure.numbers]
                    ),
                )
                for failure in check.failures
            ],
            "state": state,
            "state_label": services.STATE_LABELS[state],
            "editable": state == services.State.DRAFT,
            "sections": [
                (section, section.key in edited)
                for section in content.sections
                if section.has_prose
            ],
            "may_send": permissions.can_send_for_publication(request.user, report),
            "downloads": list(DOWNLOADS),
            "exports": list(exporters.FORMATS),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def edit_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    report = _report(request, pk)
    titles = dict(services.prose_sections(report))
    if section not in titles:
        raise Http404
    drafts = services.drafts_of(report)
    # Newest first (the model's order): the first is the section's text as it stands.
    revisions = list(report.revisions.filter(section=section).select_related("author"))
    current = revisions[0].text if revisions else drafts.get(section, "")
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                revision = services.save_section(
                    report,
                    section=section,
                    text=form.cleaned_data["text"],
                    actor=staff_user(request),
                )
            except services.ReportPermissionDenied as error:
                return _refuse(request, error.message, report)
            except services.ReportError as error:
                form.add_error("text", error.message)
            else:
                if revision is None:
                    messages.info(request, _("The text is unchanged: nothing was saved."))
                else:
                    messages.success(request, _("The section was saved as a new revision."))
                return HttpResponseRedirect(_detail_url(report))
    else:
        restore = request.GET.get("restore", "")
        initial = current
        if restore.isdigit():
            chosen = next((r for r in revisions if r.pk == int(restore)), None)
            if chosen is not None:
                initial = chosen.text
        elif restore == "draft":
            initial = drafts.get(section, "")
        form = SectionForm(initial={"text": initial})
    return render(
        request,
        "annual/staff/section.html",
        {
            "report": report,
            "section": section,
            "title": titles[section],
            "form": form,
            "draft": drafts.get(section, ""),
            "revisions": revisions,
            "editable": services.is_editable(report)
            and permissions.can_prepare_report(request.user, report),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@staff_required
def cell_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The records behind one number of the report's tables."""
    report = _report(request, pk)
    table_key = request.GET.get("table", "")
    table = next((t for t in services.tables_of(report) if t.key == table_key), None)
    try:
        row = int(request.GET.get("row", ""))
        index = int(request.GET.get("cell", ""))
        cell = table.rows[row][index] if table is not None and row >= 0 and index >= 0 else None
    except (ValueError, IndexError):
        cell = None
    if table is None or cell is None:
        raise Http404
    row_label = next((c.text for c in table.rows[row] if c.header or c.value is None), "")
    return render(
        request,
        "annual/staff/records.html",
        {
            "report": report,
            "table": table,
            "row_label": row_label,
            "cell": cell,
            "rows": records.resolve(request.user, cell.refs),
        },
    )


@require_POST
@staff_required
def send(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        services.send_for_publication(report, actor=staff_user(request))
    except services.ReportPermissionDenied as error:
        return _refuse(request, error.message, report)
    except services.ReportError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(_detail_url(report))
    messages.success(
        request,
        _(
            "The report was sent to the confidentiality review; it is published from the review "
            "queue like any document."
        ),
    )
    return HttpResponseRedirect(_detail_url(report))


@require_GET
@staff_required
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The report as it stands in one of the formats written in a few hundredths of a second
    (HTML, XLSX, JSON); the Word and PDF files are built by the task queue (``export``)."""
    from gongkai.reports.render import data, html

    report = _report(request, pk)
    if kind not in DOWNLOADS:
        raise Http404
    content = services.content_of(report)
    writers: dict[str, Callable[[ReportContent], str | bytes]] = {
        "html": lambda c: html.render_html(c, standalone=True),
        "xlsx": data.content_to_xlsx,
        "json": data.content_to_json,
    }
    try:
        with translation.override(settings.LANGUAGE_CODE):
            payload = writers[kind](content)
    except RenderError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(_detail_url(report))
    content_type, suffix = DOWNLOADS[kind]
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{content.title}{suffix}"
    )
    return response


@require_POST
@staff_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Ask for the report as a Word or PDF file: built by a queued job, downloaded from
    "My exports" (decision 0041)."""
    report = _report(request, pk)
    if kind not in exporters.FORMATS:
        raise Http404
    return ask_for_export(
        request,
        kind=exporters.KIND,
        parameters={"report": report.pk, "format": kind},
        back=(_detail_url(report), _("Back to the report")),
    )
