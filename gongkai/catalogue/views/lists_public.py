"""Public pages of the structured key-area lists: the index of types, each type's list with
filters, search and pagination, one record's page, and the CSV and XLSX exports.

Everything here starts from the public selectors (published records of active types) and shows
values through ``present_records(public=True)``, so personal fields are masked on every page and
in every export.
"""

from __future__ import annotations

import contextvars
import tempfile
from collections.abc import Iterator, Mapping

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from gongkai.catalogue import list_io
from gongkai.catalogue.models import RecordField, RecordType
from gongkai.catalogue.selectors import lists as selectors
from gongkai.core.uploads import CSV_CONTENT_TYPE, XLSX, file_response

PAGE_SIZE = 20
TABLE_FIELDS = 5  # the list shows the first fields; the record's page shows them all
Q_MAX_LENGTH = 100


def _type_or_404(code: str) -> RecordType:
    record_type = selectors.public_record_type(code)
    if record_type is None:
        raise Http404
    return record_type


def _filters(request: HttpRequest, fields: list[RecordField]) -> dict[str, str]:
    return {
        f.key: request.GET.get(f.key, "")[:Q_MAX_LENGTH]
        for f in selectors.filter_fields(fields)
        if request.GET.get(f.key)
    }


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:Q_MAX_LENGTH]


@require_safe
def list_index(request: HttpRequest) -> HttpResponse:
    """Every active type with its number of published records, by key-area column."""
    return render(
        request,
        "catalogue/lists/index.html",
        {"record_types": list(selectors.public_record_types())},
    )


@require_safe
def list_records(request: HttpRequest, code: str) -> HttpResponse:
    record_type = _type_or_404(code)
    fields = selectors.fields_of(record_type)
    filters = _filters(request, fields)
    q = _query(request)
    records = selectors.public_records(record_type, filters, q, fields=fields)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    table_fields = fields[:TABLE_FIELDS]
    rows = selectors.present_records(page.object_list, table_fields, public=True)
    export_query = _export_query(filters, q)
    return render(
        request,
        "catalogue/lists/list.html",
        {
            "record_type": record_type,
            "table_fields": table_fields,
            "rows": rows,
            "page": page,
            "filters": selectors.filter_choices(record_type, fields, filters),
            "q": q,
            "filtered": bool(filters or q),
            "export_query": export_query,
        },
    )


def _export_query(filters: Mapping[str, str], q: str) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in filters.items():
        query[key] = value
    if q:
        query["q"] = q
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


@require_safe
def list_record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    record_type = _type_or_404(code)
    record = selectors.public_record(record_type, pk)
    if record is None:
        raise Http404
    fields = selectors.fields_of(record_type)
    (row,) = selectors.present_records([record], fields, public=True)
    title = next(
        (
            cell.text
            for cell in row.cells
            if cell.text and not cell.field.personal and cell.field.type == RecordField.Type.TEXT
        ),
        record_type.name,
    )
    return render(
        request,
        "catalogue/lists/record.html",
        {"record_type": record_type, "record": record, "row": row, "title": title},
    )


def _in_this_request(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` read in the request's context as it is now: the stream is read after the
    view and the middleware have returned, and its reads must still go where the request's
    go (the read replica chosen for an anonymous visitor, decision 0034)."""
    context = contextvars.copy_context()  # now: a generator's body would run too late

    def read() -> Iterator[bytes]:
        while True:
            try:
                yield context.run(next, chunks)
            except StopIteration:
                return

    return read()


def _export(request: HttpRequest, code: str, extension: str) -> HttpResponseBase:
    """A list's export, synchronous for an anonymous visitor (who has no "My exports") but in
    constant memory however long the list (decision 0041, "Later"): the CSV is streamed as the
    records are read, a chunk at a time; the XLSX is written row by row to a temporary file
    and sent from it. Neither is kept by the page cache (a streamed answer never is)."""
    record_type = _type_or_404(code)
    fields = selectors.fields_of(record_type)
    records = selectors.public_records(record_type, _filters(request, fields), _query(request))
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{record_type.code}-{stamp}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(
            _in_this_request(list_io.iter_csv(record_type, records, public=True)),
            content_type=CSV_CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once sent
    try:
        list_io.write_xlsx(record_type, records, handle, public=True)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return file_response(handle, filename=filename, content_type=XLSX.content_type, private=False)


@require_safe
def list_export_csv(request: HttpRequest, code: str) -> HttpResponseBase:
    """The (filtered) published records as CSV, personal fields masked."""
    return _export(request, code, "csv")


@require_safe
def list_export_xlsx(request: HttpRequest, code: str) -> HttpResponseBase:
    """The (filtered) published records as XLSX, personal fields masked."""
    return _export(request, code, "xlsx")
