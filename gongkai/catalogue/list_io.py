"""Structured lists in and out of spreadsheets: XLSX import with a report by row, XLSX and CSV
export.

Import reads the first sheet of a workbook whose first row names the columns by the fields'
labels (事项名称, 权力类型 …) or keys; every data row is checked against the type and every
problem reported with its row number and column. Nothing is written while any row is invalid
unless the caller asks for the valid rows only (``import_valid=True``); a problem with the file
itself (an unknown or missing column) stops the import whatever is asked. Imported records are
drafts of the importing agency, published afterwards like any other.

Exports go through :func:`gongkai.catalogue.selectors.lists.present_records`: a public export
masks personal fields exactly as the public pages do. Values a spreadsheet would run as a
formula are written as text.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.lists import (
    AgencyLookup,
    ListError,
    build_search_text,
    can_edit_list_records,
    clean_values,
    require,
)
from gongkai.catalogue.models import ListRecord, RecordField, RecordType
from gongkai.catalogue.selectors.lists import RecordRow, fields_of, present_records
from gongkai.core import audit

if TYPE_CHECKING:
    from gongkai.core.models import User

MAX_IMPORT_ROWS = 5000
HEADER_ROW = 1
REQUIRED_MARK = "*"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (the header is row 1), the column and what is wrong."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Sheet:
    """A sheet as read: its header cells and its data rows as ``(row number, cells)``.

    Cells are JSON-safe (strings, numbers, dates in ISO form), so that a dry run's sheet can be
    kept in the session until the user confirms.
    """

    headers: list[str]
    rows: list[tuple[int, list[Any]]]

    def to_json(self) -> dict[str, Any]:
        return {"headers": self.headers, "rows": [[number, cells] for number, cells in self.rows]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sheet:
        return cls(
            headers=[str(h) for h in data["headers"]],
            rows=[(int(number), list(cells)) for number, cells in data["rows"]],
        )


@dataclass
class ImportReport:
    """What an import found and did: the rows read, the valid ones, every problem by row."""

    total_rows: int = 0
    valid_rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})

    @property
    def can_import_valid_rows(self) -> bool:
        return not self.file_errors and bool(self.valid_rows)


def _json_cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, int | float):
        return value
    return str(value)


def read_xlsx(upload: IO[bytes]) -> Sheet:
    """The first sheet of an XLSX workbook; ``ListError`` when it cannot be read as one."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:
        raise ListError(_("This file is not an Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ListError(_("The workbook has no sheet."))
        headers: list[str] = []
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_json_cell(value) for value in values]
            if number == HEADER_ROW:
                headers = ["" if cell is None else str(cell).strip() for cell in cells]
                continue
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_IMPORT_ROWS:
                raise ListError(
                    _("A workbook may hold at most %(limit)d rows.") % {"limit": MAX_IMPORT_ROWS}
                )
    finally:
        workbook.close()
    return Sheet(headers=headers, rows=rows)


def _match_headers(
    headers: Sequence[str], fields: Sequence[RecordField]
) -> tuple[dict[int, RecordField], list[RowError]]:
    """Columns matched to fields by label or key (a trailing ``*`` allowed), and problems."""
    by_name: dict[str, RecordField] = {}
    for field_def in fields:
        by_name[field_def.label.strip().lower()] = field_def
        by_name[field_def.key.lower()] = field_def
    columns: dict[int, RecordField] = {}
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        name = header.strip().removesuffix(REQUIRED_MARK).strip()
        if not name:
            continue
        matched = by_name.get(name.lower())
        if matched is None:
            errors.append(RowError(HEADER_ROW, header, _("No field of this list has this name.")))
            continue
        if matched.key in seen:
            errors.append(RowError(HEADER_ROW, header, _("This column appears twice.")))
            continue
        seen.add(matched.key)
        columns[index] = matched
    for field_def in fields:
        if field_def.required and field_def.key not in seen:
            errors.append(
                RowError(HEADER_ROW, field_def.label, _("This required column is missing."))
            )
    if not headers or not any(h.strip() for h in headers):
        errors.append(RowError(HEADER_ROW, "", _("The first row must name the columns.")))
    return columns, errors


@transaction.atomic
def import_sheet(
    record_type: RecordType,
    sheet: Sheet,
    *,
    agency: Agency,
    actor: User,
    import_valid: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row of ``sheet`` and, unless ``dry_run``, create draft records of ``agency``.

    All rows are written, or — with ``import_valid`` — the valid ones; when a row is invalid
    and ``import_valid`` is false, or the file itself has a problem, nothing is written.
    """
    require(can_edit_list_records(actor, agency))
    if not record_type.active:
        raise ListError(_("This list is switched off; no records can be added to it."))
    fields = fields_of(record_type)
    columns, file_errors = _match_headers(sheet.headers, fields)
    report = ImportReport(total_rows=len(sheet.rows), file_errors=file_errors, dry_run=dry_run)
    if not sheet.rows and not file_errors:
        report.file_errors.append(RowError(HEADER_ROW + 1, "", _("The sheet has no data rows.")))
    if report.file_errors:
        return report
    labels = {f.key: f.label for f in fields}
    agencies = AgencyLookup()
    valid: list[tuple[int, dict[str, Any]]] = []
    for number, cells in sheet.rows:
        values = {
            field_def.key: cells[index] if index < len(cells) else None
            for index, field_def in columns.items()
        }
        data, errors = clean_values(record_type, values, fields=fields, agencies=agencies)
        for key, message in errors.items():
            report.errors.append(RowError(number, labels.get(key, key), message))
        if not errors:
            valid.append((number, data))
    report.valid_rows = [number for number, _data in valid]
    if dry_run or (report.errors and not import_valid) or not valid:
        return report
    now = timezone.now()
    ListRecord.objects.bulk_create(
        [
            ListRecord(
                record_type=record_type,
                agency=agency,
                data=data,
                search_text=build_search_text(agency.name, data, fields, agencies=agencies),
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
            for _number, data in valid
        ]
    )
    report.imported = len(valid)
    audit.record(
        "catalogue.import_list_records",
        actor=actor,
        obj=record_type,
        agency_id=agency.pk,
        details={
            "imported": report.imported,
            "skipped_rows": report.invalid_rows,
            "import_valid": import_valid,
        },
    )
    return report


def import_xlsx(
    record_type: RecordType,
    upload: IO[bytes],
    *,
    agency: Agency,
    actor: User,
    import_valid: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """:func:`import_sheet` on the first sheet of an uploaded workbook."""
    require(can_edit_list_records(actor, agency))
    return import_sheet(
        record_type,
        read_xlsx(upload),
        agency=agency,
        actor=actor,
        import_valid=import_valid,
        dry_run=dry_run,
    )


# --- Export --------------------------------------------------------------------------------


EXPORT_CHUNK = 1000  # records read, presented and written at a time


def _presented(
    records: Iterable[ListRecord], fields: Sequence[RecordField], *, public: bool
) -> Iterator[RecordRow]:
    """The records presented a chunk at a time: a queryset is read in chunks, so that an
    export of a long list holds one chunk in memory, never the whole list."""
    rows: Iterable[ListRecord] = (
        records.iterator(chunk_size=EXPORT_CHUNK) if isinstance(records, QuerySet) else records
    )
    chunk: list[ListRecord] = []
    for record in rows:
        chunk.append(record)
        if len(chunk) == EXPORT_CHUNK:
            yield from present_records(chunk, fields, public=public)
            chunk = []
    if chunk:
        yield from present_records(chunk, fields, public=public)


def export_rows(
    record_type: RecordType,
    records: Iterable[ListRecord],
    *,
    public: bool = True,
    fields: Sequence[RecordField] | None = None,
) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and the rows (read as they are asked for) of an export: the publishing
    agency, every field, the publication date. Personal fields are masked when ``public``."""
    fields = fields_of(record_type) if fields is None else fields
    headers = [_("Publishing agency"), *[f.label for f in fields], _("Publication date")]

    def rows() -> Iterator[list[Any]]:
        for row in _presented(records, fields, public=public):
            published = row.record.published_at
            values: list[Any] = [row.record.agency.name]
            for cell in row.cells:
                values.append(_typed(cell.field, cell.text, row.record.data.get(cell.field.key)))
            values.append(timezone.localdate(published).isoformat() if published else "")
            yield values

    return headers, rows()


def export_table(
    record_type: RecordType,
    records: Iterable[ListRecord],
    *,
    public: bool = True,
    fields: Sequence[RecordField] | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """:func:`export_rows` with every row read."""
    headers, rows = export_rows(record_type, records, public=public, fields=fields)
    return headers, list(rows)


def _typed(field_def: RecordField, text: str, raw: Any) -> Any:
    """Numbers and money as numbers (a spreadsheet can sum them), everything else as text."""
    if (
        not field_def.personal
        and raw not in (None, "")
        and field_def.type in (RecordField.Type.NUMBER, RecordField.Type.MONEY)
    ):
        try:
            return Decimal(str(raw))
        except ArithmeticError:
            return text
    return text


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def iter_csv(
    record_type: RecordType, records: Iterable[ListRecord], *, public: bool = True
) -> Iterator[bytes]:
    """The records as CSV in UTF-8 with a byte-order mark (which Excel needs to read
    Chinese), a chunk of rows at a time: a public list's export is streamed as it is read."""
    headers, rows = export_rows(record_type, records, public=public)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    prefix = codecs.BOM_UTF8
    for written, row in enumerate(rows, start=1):
        writer.writerow([_safe_text(value) for value in row])
        if written % EXPORT_CHUNK == 0:
            yield prefix + buffer.getvalue().encode("utf-8")
            prefix = b""
            buffer.seek(0)
            buffer.truncate()
    yield prefix + buffer.getvalue().encode("utf-8")


def export_csv(
    record_type: RecordType, records: Iterable[ListRecord], *, public: bool = True
) -> bytes:
    """The records as CSV in UTF-8 with a byte-order mark (:func:`iter_csv`, whole)."""
    return b"".join(iter_csv(record_type, records, public=public))


def write_xlsx(
    record_type: RecordType,
    records: Iterable[ListRecord],
    output: IO[bytes],
    *,
    public: bool = True,
) -> None:
    """The records as an XLSX workbook with one sheet named after the type, written to
    ``output`` (a temporary file for a public list: the rows go to openpyxl's own temporary
    file as they are read, so a long list is never held in memory)."""
    headers, rows = export_rows(record_type, records, public=public)
    _workbook(record_type.name, headers, rows, output)


def export_xlsx(
    record_type: RecordType, records: Iterable[ListRecord], *, public: bool = True
) -> bytes:
    """The records as an XLSX workbook with one sheet named after the type."""
    output = io.BytesIO()
    write_xlsx(record_type, records, output, public=public)
    return output.getvalue()


def template_xlsx(record_type: RecordType) -> bytes:
    """An empty workbook whose header row the import reads: the labels, required ones with
    ``*``."""
    headers = [f.label + (REQUIRED_MARK if f.required else "") for f in fields_of(record_type)]
    output = io.BytesIO()
    _workbook(record_type.name, headers, [], output)
    return output.getvalue()


def _workbook(title: str, headers: list[str], rows: Iterable[list[Any]], output: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Sheet")[:31]
