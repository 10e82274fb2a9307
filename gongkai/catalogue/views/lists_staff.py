"""Staff pages of the structured lists, for the agency chosen in the workbench header: the
agency's records by type, the XLSX import (upload, report by row, confirm) and the publish and
withdraw actions. Every change goes through ``catalogue.lists`` / ``catalogue.list_io``, which
check the permission again; these views only refuse early and render.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.catalogue import list_io
from gongkai.catalogue.lists import (
    ListError,
    can_edit_list_records,
    publish_records,
    withdraw_record,
)
from gongkai.catalogue.models import ListRecord, RecordType
from gongkai.catalogue.selectors import lists as selectors
from gongkai.core import audit, uploads
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import staff_required, staff_user

if TYPE_CHECKING:
    pass

PAGE_SIZE = 50
IMPORT_SESSION_KEY = "catalogue_list_import"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _agency(request: HttpRequest) -> Agency:
    """The agency the user works for, if they may edit its lists; else 403."""
    agency = current_agency(request)
    if agency is None or not can_edit_list_records(request.user, agency):
        raise PermissionDenied
    return agency


def _record_type(code: str) -> RecordType:
    record_type = RecordType.objects.filter(code=code, active=True).first()
    if record_type is None:
        raise Http404
    return record_type


def _records_url(record_type: RecordType) -> str:
    return reverse("lists_staff:records", args=[record_type.code])


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The types, with the agency's records in each state."""
    agency = _agency(request)
    counts = selectors.staff_record_counts(request.user, agency=agency)
    types = [
        (record_type, counts.get(record_type.pk, {}))
        for record_type in RecordType.objects.filter(active=True).order_by("sort_order", "id")
    ]
    return render(request, "catalogue/lists/staff_index.html", {"agency": agency, "types": types})


@staff_required
def records(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's records of one type, unmasked (the read of personal data is audited)."""
    agency = _agency(request)
    record_type = _record_type(code)
    fields = selectors.fields_of(record_type)
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()[:100]
    queryset = selectors.staff_records(
        request.user, agency=agency, record_type=record_type, state=state, q=q
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.present_records(page.object_list, fields, public=False)
    personal = [f.key for f in fields if f.personal]
    if personal and rows:
        audit.record_read(
            record_type, actor=staff_user(request), agency_id=agency.pk, fields=personal
        )
    return render(
        request,
        "catalogue/lists/staff_records.html",
        {
            "agency": agency,
            "record_type": record_type,
            "fields": fields,
            "rows": rows,
            "page": page,
            "state": state,
            "q": q,
            "states": ListRecord.State.choices,
            "drafts": selectors.list_records_visible_to(request.user)
            .filter(agency=agency, record_type=record_type, state=ListRecord.State.DRAFT)
            .count(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def import_records(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a workbook → a dry run reported by row → confirm (optionally the valid rows only).

    The sheet read at upload is kept in the session until the user confirms or cancels, so
    the confirmed import is exactly what the report described; it is checked again then.
    """
    agency = _agency(request)
    record_type = _record_type(code)
    context: dict[str, object] = {"agency": agency, "record_type": record_type}
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(IMPORT_SESSION_KEY, None)
        return HttpResponseRedirect(_records_url(record_type))
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request, agency, record_type)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a workbook to upload.")
        else:
            try:
                # Size, virus scan, type by content, ZIP bomb and macros (core.uploads) before
                # openpyxl inflates anything.
                checked = uploads.inspect_upload(upload, policy=uploads.WORKBOOK)
                sheet = list_io.read_xlsx(io.BytesIO(checked.data))
                report = list_io.import_sheet(
                    record_type, sheet, agency=agency, actor=staff_user(request), dry_run=True
                )
            except uploads.UploadRefused as refused:
                context["error"] = refused.message
            except ListError as error:
                context["error"] = str(error)
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "record_type": record_type.pk,
                    "agency": agency.pk,
                    "file_name": upload.name,
                    "sheet": sheet.to_json(),
                }
                context.update({"report": report, "file_name": upload.name})
    return render(request, "catalogue/lists/staff_import.html", context)


def _confirm_import(request: HttpRequest, agency: Agency, record_type: RecordType) -> HttpResponse:
    pending = request.session.get(IMPORT_SESSION_KEY)
    if (
        not pending
        or pending.get("record_type") != record_type.pk
        or pending.get("agency") != agency.pk
    ):
        messages.error(request, _("Nothing is waiting to be imported; upload the workbook again."))
        return HttpResponseRedirect(reverse("lists_staff:import", args=[record_type.code]))
    sheet = list_io.Sheet.from_json(pending["sheet"])
    import_valid = request.POST.get("import_valid") == "1"
    try:
        report = list_io.import_sheet(
            record_type, sheet, agency=agency, actor=staff_user(request), import_valid=import_valid
        )
    except ListError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("lists_staff:import", args=[record_type.code]))
    if not report.imported:
        return render(
            request,
            "catalogue/lists/staff_import.html",
            {
                "agency": agency,
                "record_type": record_type,
                "report": report,
                "file_name": pending.get("file_name", ""),
                "error": _(
                    "Nothing was imported: correct the rows below or import the valid rows only."
                ),
            },
        )
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(
        request,
        _("%(count)d records were imported as drafts.") % {"count": report.imported},
    )
    return HttpResponseRedirect(_records_url(record_type) + "?state=draft")


@staff_required
def import_template(request: HttpRequest, code: str) -> HttpResponse:
    """An empty workbook with the header row the import expects."""
    _agency(request)
    record_type = _record_type(code)
    response = HttpResponse(list_io.template_xlsx(record_type), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{record_type.code}-template.xlsx"'
    return response


@require_POST
@staff_required
def publish(request: HttpRequest, code: str) -> HttpResponse:
    """Publish the chosen drafts (or every draft of the agency's type with ``all``)."""
    agency = _agency(request)
    record_type = _record_type(code)
    visible = selectors.list_records_visible_to(request.user).filter(
        agency=agency, record_type=record_type
    )
    if request.POST.get("all") == "1":
        chosen = visible.filter(state=ListRecord.State.DRAFT)
    else:
        ids = [int(pk) for pk in request.POST.getlist("record") if pk.isdigit()]
        chosen = visible.filter(pk__in=ids)
    chosen_list = list(chosen)
    if not chosen_list:
        messages.error(request, _("Choose the records to publish."))
    else:
        try:
            published = publish_records(chosen_list, actor=staff_user(request))
        except ListError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(count)d records were published.") % {"count": len(published)}
            )
    return HttpResponseRedirect(_records_url(record_type))


@require_POST
@staff_required
def withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = _agency(request)
    record_type = _record_type(code)
    record = (
        selectors.list_records_visible_to(request.user)
        .filter(agency=agency, record_type=record_type, pk=pk)
        .select_related("agency")
        .first()
    )
    if record is None:
        raise Http404
    try:
        withdraw_record(record, actor=staff_user(request), reason=request.POST.get("reason", ""))
    except ListError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The record was withdrawn from the public site."))
    return HttpResponseRedirect(_records_url(record_type))
