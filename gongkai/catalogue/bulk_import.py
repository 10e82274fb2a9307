"""Migration from an existing system: a whole catalogue from XLSX or CSV metadata plus a ZIP.

The metadata file has one row per document under these headers (any order; other columns are
ignored and reported): 索引号, 标题, 发布机构 (the agency's name, short name or organisation
code), 成文日期, 发布日期, 文号, 主题分类, 体裁, 法定主动公开内容 (code or name), 有效性, 内容概述,
正文, 关键词, 栏目 and 附件 (file names inside the ZIP, separated by ；or ;).

Two passes. The first reads every row and checks everything — required values, dates, the
agency and the taxonomies, the 文号, index numbers unique in the file and in the database, each
attachment present in the ZIP and of an allowed type by its content — and collects every problem
with its row number (as a spreadsheet shows it: the header is row 1), column and a translated
message. Nothing is written while any row has a problem; a dry run stops after this pass. The
second pass writes everything in one transaction with ``bulk_create``: published documents
keeping the legacy index numbers exactly as given, their first version, an ``imported`` event
each, their attachments (stored under random names, original names kept) and one audit entry.

Legacy index numbers do not go through the agency's serial counter: they were allocated by the
old system, and new documents keep getting numbers from the counter as before.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import posixpath
import re
import sys
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import is_administrator, is_office
from gongkai.catalogue.attachments import AttachmentError, InspectedFile, inspect_upload, max_bytes
from gongkai.catalogue.docnumbers import DocumentNumberError, normalize_doc_number
from gongkai.catalogue.models import (
    Attachment,
    Column,
    Document,
    DocumentEvent,
    DocumentVersion,
    Genre,
    StatutoryItem,
    Topic,
)
from gongkai.catalogue.models.documents import attachment_path
from gongkai.catalogue.signals import documents_imported
from gongkai.catalogue.workflow import CatalogueError, CataloguePermissionDenied
from gongkai.core import audit
from gongkai.core.bulk_insert import insert_rows
from gongkai.core.html import sanitize_html
from gongkai.core.models import User
from gongkai.core.uploads import stored_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLICATION_TIME = datetime.time(9, 0)  # legacy rows carry a date only: 09:00 that day
BATCH_SIZE = 1000
MAX_ROWS = 200_000
LIST_SEPARATOR_RE = re.compile(r"[；;]")
TOPIC_PATH_RE = re.compile(r"\s*[/／>＞]\s*")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

# Header -> key. The headers are the old systems' usual Chinese names.
HEADERS: dict[str, str] = {
    "索引号": "index_number",
    "标题": "title",
    "发布机构": "agency",
    "成文日期": "formation_date",
    "发布日期": "publication_date",
    "文号": "doc_number",
    "主题分类": "topic",
    "体裁": "genre",
    "法定主动公开内容": "statutory_item",
    "有效性": "validity",
    "内容概述": "summary",
    "正文": "body",
    "关键词": "keywords",
    "栏目": "columns",
    "附件": "attachments",
}
COLUMN_OF = {key: header for header, key in HEADERS.items()}
REQUIRED_HEADERS = ("索引号", "标题", "发布机构", "发布日期")
VALIDITY_WORDS: dict[str, str] = {
    "有效": Document.Validity.VALID,
    "现行有效": Document.Validity.VALID,
    "失效": Document.Validity.EXPIRED,
    "已失效": Document.Validity.EXPIRED,
    "废止": Document.Validity.REPEALED,
    "已废止": Document.Validity.REPEALED,
    "已修订": Document.Validity.AMENDED,
    "修订": Document.Validity.AMENDED,
    **{value: value for value in Document.Validity.values},
}
TEXT_LIMITS = {"index_number": 64, "title": 300, "keywords": 200, "doc_number": 64}


class BulkImportError(CatalogueError):
    """The metadata file or the archive cannot be read at all (not a problem of one row)."""


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row: where it is and what is wrong, in the active language."""

    row: int  # as a spreadsheet shows it: the header is row 1
    column: str  # the header, or "" for the row as a whole
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row}
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import found and did."""

    file_name: str
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    documents: int = 0  # created (0 in a dry run or when a row has a problem)
    attachments: int = 0  # created, or found valid in a dry run
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


# What the import wrote of one document: the document, its first version and its attachments in
# display order, as ``documents_imported`` sends them.
WrittenDocument = tuple[Document, DocumentVersion, list[Attachment]]


@dataclass
class _Row:
    """A valid row, ready to write."""

    number: int
    index_number: str
    title: str
    agency: Agency
    formation_date: datetime.date | None
    published_at: datetime.datetime
    doc_number: str
    topic: Topic | None
    genre: Genre | None
    statutory_item: StatutoryItem | None
    validity: str
    summary: str
    body: str
    keywords: str
    columns: list[Column]
    attachments: list[tuple[str, InspectedFile]]  # (name in the archive, what it is)

    @property
    def kind(self) -> str:
        """News when every column is a news column (工作动态: the lighter form), an
        interpretation when it sits in the interpretations column, a document otherwise."""
        kinds = {column.kind for column in self.columns}
        if Column.Kind.INTERPRETATION in kinds:
            return Document.Kind.INTERPRETATION
        if kinds == {Column.Kind.NEWS}:
            return Document.Kind.NEWS
        return Document.Kind.DOCUMENT


# --- Reading ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _read_bytes(source: str | Path | IO[bytes]) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    source.seek(0)
    return source.read()


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Built-in number formats that show a date: the international ones and the locale-dependent
# ones a Chinese Excel uses for 2014年3月5日 and similar (ECMA-376 §18.8.30).
_T_TAG = f"{_SHEET_NS}t"
_DIGITS = "0123456789"
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})


def _xml_root(package: zipfile.ZipFile, path: str) -> ElementTree.Element:
    with package.open(path) as stream:
        return ElementTree.parse(stream).getroot()  # noqa: S314 - expat resolves no entities


def _part_path(base: str, target: str) -> str:
    """A relationship target as a path inside the package."""
    if target.startswith("/"):
        return target.lstrip("/")
    folder = base.rsplit("/", 1)[0]
    return posixpath.normpath(f"{folder}/{target}")


def _workbook_parts(package: zipfile.ZipFile) -> tuple[str, str | None, str | None, bool]:
    """The first sheet's path, the shared strings' and styles' paths, and the 1904 flag."""
    workbook = _xml_root(package, "xl/workbook.xml")
    rels = _xml_root(package, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel for rel in rels.iter(f"{_RELS_NS}Relationship")}
    first = next(workbook.iter(f"{_SHEET_NS}sheet"))
    sheet = _part_path("xl/workbook.xml", targets[first.get(f"{_DOC_RELS_NS}id")].get("Target", ""))
    by_type = {
        rel.get("Type", "").rsplit("/", 1)[-1]: _part_path("xl/workbook.xml", rel.get("Target", ""))
        for rel in targets.values()
    }
    properties = workbook.find(f"{_SHEET_NS}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    return sheet, by_type.get("sharedStrings"), by_type.get("styles"), date1904


def _text_of(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its runs, without phonetic guides."""
    if len(element) == 1 and element[0].tag == _T_TAG:  # the usual plain string
        return element[0].text or ""
    for phonetic in element.findall(f"{_SHEET_NS}rPh"):
        element.remove(phonetic)
    return "".join(element.itertext())


def _shared_strings(package: zipfile.ZipFile, path: str | None) -> list[str]:
    if path is None or path not in package.namelist():
        return []
    strings = []
    with package.open(path) as stream:
        for _event, element in ElementTree.iterparse(stream):  # noqa: S314
            if element.tag == f"{_SHEET_NS}si":
                strings.append(_text_of(element))
                element.clear()
    return strings


def _date_styles(package: zipfile.ZipFile, path: str | None) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a date."""
    from openpyxl.styles.numbers import is_date_format

    if path is None or path not in package.namelist():
        return frozenset()
    styles = _xml_root(package, path)
    custom = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in styles.iter(f"{_SHEET_NS}numFmt")
    }
    cell_formats = styles.find(f"{_SHEET_NS}cellXfs")
    dates = set()
    for index, xf in enumerate(cell_formats if cell_formats is not None else []):
        format_id = int(xf.get("numFmtId", "0"))
        if format_id in _DATE_FORMAT_IDS or (
            format_id in custom and is_date_format(custom[format_id])
        ):
            dates.add(index)
    return frozenset(dates)


@functools.cache
def _column_index(letters: str) -> int:
    """B → 1, AA → 26 (the letters of a cell reference such as ``B3``)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number - 1


def _rows_of_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) of the first sheet, streamed.

    A small reader of the sheet XML rather than openpyxl's, which spends some 40 µs a cell:
    for a catalogue of tens of thousands of rows that alone was slower than the whole rest of
    the import. Values are text, numbers or (for cells formatted as dates) datetimes.
    """
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        sheet, strings_path, styles_path, date1904 = _workbook_parts(package)
        strings = _shared_strings(package, strings_path)
        date_styles = _date_styles(package, styles_path)
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        with package.open(sheet) as stream:
            number = 0
            for _event, element in ElementTree.iterparse(stream):  # noqa: S314
                if element.tag != f"{_SHEET_NS}row":
                    continue
                number = int(element.get("r") or number + 1)
                values: list[Any] = []
                for cell in element.iter(f"{_SHEET_NS}c"):
                    reference = cell.get("r")
                    position = (
                        _column_index(reference.rstrip(_DIGITS)) if reference else len(values)
                    )
                    values.extend([None] * (position - len(values)))
                    kind = cell.get("t", "n")
                    raw = cell.findtext(f"{_SHEET_NS}v")
                    value: Any = raw
                    if kind == "s" and raw is not None:
                        value = strings[int(raw)]
                    elif kind == "inlineStr":
                        inline = cell.find(f"{_SHEET_NS}is")
                        value = _text_of(inline) if inline is not None else ""
                    elif kind == "n" and raw is not None:
                        if int(cell.get("s", "0")) in date_styles:
                            value = from_excel(float(raw), epoch)
                        else:
                            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
                    values.append(value)
                element.clear()
                yield number, values
    except (zipfile.BadZipFile, KeyError, IndexError, StopIteration, ValueError,
            ElementTree.ParseError) as error:  # fmt: skip
        raise BulkImportError(_("The metadata file cannot be read as an XLSX workbook.")) from error


def _rows_of_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BulkImportError(_("The CSV file is neither UTF-8 nor GB 18030 text."))
    yield from enumerate(csv.reader(io.StringIO(text, newline="")), 1)


def read_table(source: str | Path | IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the first sheet of an XLSX file or of a CSV file.

    The format is read from the content (an XLSX file is a ZIP package), so a misnamed file
    is still read correctly. Row numbers are those a spreadsheet shows (for a CSV file, the
    record's position); blank rows are skipped.
    """
    data = _read_bytes(source)
    if not data.startswith(b"PK\x03\x04"):
        # A CSV file's cells are text already: ``_cell_text`` of one is the text stripped.
        for number, row in _rows_of_csv(data):
            cells = [value.strip() for value in row]
            if any(cells):
                yield number, cells
        return
    for number, row in _rows_of_xlsx(data):
        cells = [_cell_text(value) for value in row]
        if any(cells):
            yield number, cells


# --- The archive -----------------------------------------------------------------------------


def _archive_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author typed it: archives made on Chinese Windows store GBK
    names without the UTF-8 flag, which Python then decodes as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


class _Archive:
    """The attachments ZIP: members found by their full path or, when unique, their name."""

    def __init__(self, source: str | Path | IO[bytes] | None) -> None:
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        if source is None:
            return
        try:
            self.zip = zipfile.ZipFile(
                source if not isinstance(source, str | Path) else Path(source)
            )
        except (zipfile.BadZipFile, OSError) as error:
            raise BulkImportError(
                _("The attachments archive is not a readable ZIP file.")
            ) from error
        by_base: dict[str, list[zipfile.ZipInfo]] = defaultdict(list)
        for info in self.zip.infolist():
            if info.is_dir():
                continue
            name = _archive_name(info).replace("\\", "/")
            self.members[name] = info
            by_base[name.rsplit("/", 1)[-1]].append(info)
        for base, infos in by_base.items():
            if len(infos) == 1:
                self.members.setdefault(base, infos[0])

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.members.get(name.replace("\\", "/"))

    def read(self, info: zipfile.ZipInfo) -> bytes:
        if self.zip is None:
            raise BulkImportError(_("No attachments archive was given."))
        return self.zip.read(info)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


# --- Checking --------------------------------------------------------------------------------


class _Lookups:
    """Agencies and taxonomies loaded once, found by code or name."""

    def __init__(self) -> None:
        self.agencies: dict[str, list[Agency]] = defaultdict(list)
        for agency in Agency.objects.all():
            for key in {agency.org_code, agency.name, agency.short_name} - {""}:
                self.agencies[key].append(agency)
        self.topics: dict[str, list[Topic]] = defaultdict(list)
        topics = list(Topic.objects.select_related("parent"))
        for topic in topics:
            self.topics[topic.code].append(topic)
            self.topics[topic.name].append(topic)
            if topic.parent is not None:
                self.topics[f"{topic.parent.name}/{topic.name}"].append(topic)
        self.genres: dict[str, Genre] = {}
        for genre in Genre.objects.all():
            self.genres[genre.code] = self.genres[genre.name] = genre
        self.items: dict[str, list[StatutoryItem]] = defaultdict(list)
        for item in StatutoryItem.objects.all():
            self.items[item.code].append(item)
            self.items[item.name].append(item)
        self.columns: dict[str, Column] = {}
        for column in Column.objects.all():
            self.columns.setdefault(column.slug, column)
            self.columns.setdefault(column.name, column)

    def agency(self, value: str) -> list[Agency]:
        return self.agencies.get(value, [])

    def topic(self, value: str) -> list[Topic]:
        return self.topics.get(TOPIC_PATH_RE.sub("/", value), [])

    def statutory_item(self, value: str, agency: Agency | None) -> list[StatutoryItem]:
        found = self.items.get(value, [])
        if len(found) > 1 and agency is not None:
            # REG 21 names 土地征收, 房屋征收 and 社会救助 for both levels: the agency decides.
            town = agency.kind in (Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT)
            scope = StatutoryItem.Scope.TOWN if town else StatutoryItem.Scope.COUNTY
            found = [item for item in found if item.scope == scope] or found
        return found


def parse_date(value: str) -> datetime.date | None:
    """A date typed in one of the usual ways (2014-03-05, 2014/3/5, 2014年3月5日, 20140305)."""
    text = value.strip()
    if "T" in text or " " in text:
        text = text.replace("T", " ").split(" ", 1)[0]
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def split_list(value: str) -> list[str]:
    """Items separated by ；or ; (empty items dropped)."""
    return [item.strip() for item in LIST_SEPARATOR_RE.split(value) if item.strip()]


class _Checker:
    """The first pass: every row checked, every problem collected."""

    def __init__(self, archive: _Archive, today: datetime.date) -> None:
        self.archive = archive
        self.today = today
        self.lookups = _Lookups()
        self.problems: list[RowProblem] = []
        self.first_row_of: dict[str, int] = {}
        self.inspected: dict[str, InspectedFile | None] = {}

    def problem(self, row: int, key: str, message: str) -> None:
        self.problems.append(RowProblem(row, COLUMN_OF.get(key, key), message))

    def check(self, number: int, values: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        for key, limit in TEXT_LIMITS.items():
            if len(values[key]) > limit:
                self.problem(
                    number, key, _("At most %(max)d characters are allowed.") % {"max": limit}
                )
        index_number = values["index_number"]
        if not index_number:
            self.problem(number, "index_number", _("The index number is missing."))
        elif index_number in self.first_row_of:
            self.problem(
                number,
                "index_number",
                _("The index number “%(value)s” is also in row %(row)d.")
                % {"value": index_number, "row": self.first_row_of[index_number]},
            )
        else:
            self.first_row_of[index_number] = number
        title = values["title"]
        if not title:
            self.problem(number, "title", _("The title is missing."))
        agency = self._agency(number, values["agency"])
        formation_date = self._date(number, "formation_date", values["formation_date"])
        publication_date = self._date(number, "publication_date", values["publication_date"])
        if not values["publication_date"]:
            self.problem(number, "publication_date", _("The publication date is missing."))
        if formation_date and publication_date and formation_date > publication_date:
            self.problem(
                number,
                "formation_date",
                _("The formation date is later than the publication date."),
            )
        doc_number = ""
        if values["doc_number"]:
            try:
                doc_number = normalize_doc_number(values["doc_number"], today=self.today)
            except DocumentNumberError as error:
                self.problem(number, "doc_number", str(error))
        topic = self._one(number, "topic", values["topic"], self.lookups.topic(values["topic"]))
        genre = None
        if values["genre"]:
            genre = self.lookups.genres.get(values["genre"])
            if genre is None:
                self._unknown(number, "genre", values["genre"])
        item = self._one(
            number,
            "statutory_item",
            values["statutory_item"],
            self.lookups.statutory_item(values["statutory_item"], agency),
        )
        validity = Document.Validity.VALID.value
        if values["validity"]:
            validity = VALIDITY_WORDS.get(values["validity"], "")
            if not validity:
                self.problem(
                    number,
                    "validity",
                    _("“%(value)s” is not a validity: use 有效, 失效, 废止 or 已修订.")
                    % {"value": values["validity"]},
                )
        columns = []
        for name in split_list(values["columns"]):
            column = self.lookups.columns.get(name)
            if column is None:
                self._unknown(number, "columns", name)
            else:
                columns.append(column)
        attachments = self._attachments(number, split_list(values["attachments"]))
        if len(self.problems) > before or agency is None or publication_date is None:
            return None
        return _Row(
            number=number,
            index_number=index_number,
            title=title,
            agency=agency,
            formation_date=formation_date,
            published_at=datetime.datetime.combine(
                publication_date, PUBLICATION_TIME, tzinfo=SHANGHAI
            ),
            doc_number=doc_number,
            topic=topic,
            genre=genre,
            statutory_item=item,
            validity=validity,
            summary=values["summary"],
            body=sanitize_html(values["body"]),
            keywords=values["keywords"],
            columns=columns,
            attachments=attachments,
        )

    def _unknown(self, number: int, key: str, value: str) -> None:
        self.problem(number, key, _("“%(value)s” is not known here.") % {"value": value})

    def _one(self, number: int, key: str, value: str, found: list[Any]) -> Any:
        if not value:
            return None
        if not found:
            self._unknown(number, key, value)
            return None
        if len({obj.pk for obj in found}) > 1:
            self.problem(
                number,
                key,
                _("“%(value)s” is ambiguous: give its code instead.") % {"value": value},
            )
            return None
        return found[0]

    def _agency(self, number: int, value: str) -> Agency | None:
        if not value:
            self.problem(number, "agency", _("The issuing agency is missing."))
            return None
        agency: Agency | None = self._one(number, "agency", value, self.lookups.agency(value))
        return agency

    def _date(self, number: int, key: str, value: str) -> datetime.date | None:
        if not value:
            return None
        date = parse_date(value)
        if date is None:
            self.problem(
                number,
                key,
                _("“%(value)s” is not a date: write it as 2014-03-05.") % {"value": value},
            )
        elif not datetime.date(1949, 10, 1) <= date <= self.today:
            self.problem(
                number, key, _("The date %(date)s is not plausible.") % {"date": date.isoformat()}
            )
            return None
        return date

    def _attachments(self, number: int, names: list[str]) -> list[tuple[str, InspectedFile]]:
        if names and self.archive.zip is None:
            self.problem(
                number,
                "attachments",
                _("The row names attachments but no attachments archive was given."),
            )
            return []
        found: list[tuple[str, InspectedFile]] = []
        for name in names:
            info = self.archive.find(name)
            if info is None:
                self.problem(
                    number,
                    "attachments",
                    _("“%(name)s” is not in the attachments archive.") % {"name": name},
                )
                continue
            if name not in self.inspected:
                self.inspected[name] = self._inspect(number, name, info)
            elif self.inspected[name] is None:
                self.problem(
                    number,
                    "attachments",
                    _("“%(name)s” cannot be attached (see the row that names it first).")
                    % {"name": name},
                )
            inspected = self.inspected[name]
            if inspected is not None:
                found.append((name, inspected))
        return found

    def _inspect(self, number: int, name: str, info: zipfile.ZipInfo) -> InspectedFile | None:
        if info.file_size > max_bytes():
            # Checked on the declared size before inflating anything (a ZIP bomb stops here);
            # inspect_upload checks the real size again.
            self.problem(
                number,
                "attachments",
                _("“%(name)s” is larger than the limit for an attachment.") % {"name": name},
            )
            return None
        upload = SimpleUploadedFile(name.rsplit("/", 1)[-1], self.archive.read(info))
        try:
            # A legacy archive's misnamed file (a scan saved as .pdf) gets the right extension.
            inspected = inspect_upload(upload, fix_extension=True)
        except AttachmentError as error:
            self.problem(number, "attachments", str(error))
            return None
        # The safe bytes are made again when stored: thousands of files are not kept in memory.
        return replace(inspected, data=b"")

    def check_against_database(self, rows: dict[str, int]) -> None:
        """Index numbers already taken in the catalogue (one query per thousand)."""
        for value, _pk in _documents_numbered(list(rows)):
            self.problem(
                rows[value],
                "index_number",
                _("The index number “%(value)s” is already used in the catalogue.")
                % {"value": value},
            )


def _documents_numbered(numbers: list[str]) -> list[tuple[str, int]]:
    """(index number, id) of the documents holding any of these index numbers, in one plain
    query a thousand: the ORM would prepare each of the thousand values on its own."""
    found: list[tuple[str, int]] = []
    connection = connections[router.db_for_read(Document)]
    table = connection.ops.quote_name(Document._meta.db_table)
    column = connection.ops.quote_name(str(Document._meta.get_field("index_number").column))
    pk = connection.ops.quote_name(str(Document._meta.pk.column))
    with connection.cursor() as cursor:
        for batch in _batches(numbers):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT {column}, {pk} FROM {table} WHERE {column} IN ({marks})",  # noqa: S608
                batch,
            )
            found += cursor.fetchall()
    return found


# --- Writing ---------------------------------------------------------------------------------


def _snapshot(row: _Row) -> dict[str, Any]:
    """The metadata frozen with version 1: what the public saw when it was published."""
    return {
        "index_number": row.index_number,
        "agency": row.agency.pk,
        "doc_number": row.doc_number,
        "formation_date": row.formation_date.isoformat() if row.formation_date else None,
        "statutory_item": row.statutory_item.code if row.statutory_item else None,
        "topic": row.topic.code if row.topic else None,
        "genre": row.genre.code if row.genre else None,
        "keywords": row.keywords,
        "validity": row.validity,
        "columns": [column.slug for column in row.columns],
        "attachments": [inspected.original_name for _name, inspected in row.attachments],
        "legacy": True,
    }


def _batches(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


_NATIVE_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _memoised(function: Any) -> Any:
    """``function`` of one hashable argument, called once for each distinct value."""
    known: dict[Any, Any] = {}

    def call(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            known[value] = result = function(value)
            return result

    return call


def insert_many(
    model: type[models.Model], rows: list[dict[str, Any]], *, now: datetime.datetime
) -> None:
    """INSERT rows of ``model`` given as ``{attname: value}`` with ``executemany``.

    ``bulk_create`` builds a model instance per row and compiles every value through the SQL
    compiler, and on SQLite splits the rows into statements of 999 parameters (33 documents
    each): for a migration of tens of thousands of documents that is most of the time. Here
    the statement is built once; a field missing from a row takes its default (``now`` for
    ``auto_now`` and ``auto_now_add`` fields), as the ORM would give it; values the driver
    takes as they are (text, numbers, booleans, foreign keys) go straight through and dates,
    times and JSON are prepared by their fields. Primary keys are not returned: callers that
    need them read them back by a unique column.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field is pk and isinstance(field, models.AutoField | models.BigAutoField))
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(str(field.column)) for field in fields]
    specs: list[tuple[str, Any, Any]] = []  # (attname, default, prepare or None)
    for model_field in fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            default: Any = now
        else:
            default = model_field.get_default()
        native = isinstance(model_field, models.ForeignKey) or (
            isinstance(model_field, _NATIVE_FIELDS)
            and not isinstance(model_field, models.DateField)
        )
        prepare = None
        if isinstance(model_field, models.DateField):
            # Dates and times repeat (a catalogue has a few thousand publication days, and
            # every row is created ``now``): each distinct one is prepared once.
            prepare = _memoised(partial(model_field.get_db_prep_save, connection=connection))
        elif not native:
            prepare = partial(model_field.get_db_prep_save, connection=connection)
        specs.append((model_field.attname, default, prepare))

    # A row's values in the statement's order are taken in one C call (``itemgetter``) from
    # the row laid over the defaults; then only the columns that need it are prepared.
    defaults = {attname: default for attname, default, _prepare in specs}
    take = itemgetter(*(attname for attname, _default, _prepare in specs))
    prepared = [
        (position, prepare)
        for position, (_attname, _default, prepare) in enumerate(specs)
        if prepare is not None
    ]

    def values(row: dict[str, Any]) -> list[Any]:
        out = list(take({**defaults, **row}))
        for position, prepare in prepared:
            value = out[position]
            if value is not None:
                out[position] = prepare(value)
        return out

    with connection.cursor() as cursor:
        for batch in _batches(rows):
            insert_rows(cursor, table, columns, [values(row) for row in batch])


def _write(
    rows: list[_Row],
    archive: _Archive,
    *,
    actor: User,
    now: datetime.datetime,
    file_name: str,
    stored: list[str],
) -> tuple[int, dict[int, WrittenDocument]]:
    """Create everything for valid rows; returns the number of attachments stored and what was
    written of each document, by id (for the search index: ``documents_imported``)."""
    documents = [
        {
            "kind": row.kind,
            "state": Document.State.PUBLISHED.value,
            "agency_id": row.agency.pk,
            "index_number": row.index_number,
            "title": row.title,
            "summary": row.summary,
            "body": row.body,
            "formation_date": row.formation_date,
            "published_at": row.published_at,
            "doc_number": row.doc_number,
            "doc_number_key": row.doc_number,  # stored normalised: its own lookup key
            "statutory_item_id": row.statutory_item.pk if row.statutory_item else None,
            "topic_id": row.topic.pk if row.topic else None,
            "genre_id": row.genre.pk if row.genre else None,
            "keywords": row.keywords,
            "validity": row.validity,
            "manner": Document.Manner.PROACTIVE.value,
            "legacy": True,
            "version": 1,
            "created_by_id": actor.pk,
        }
        for row in rows
    ]
    insert_many(Document, documents, now=now)
    pks = dict(_documents_numbered([row.index_number for row in rows]))
    links: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for row in rows:
        pk = pks[row.index_number]
        links.extend({"document_id": pk, "column_id": column.pk} for column in row.columns)
        versions.append(
            {
                "document_id": pk,
                "number": 1,
                "title": row.title,
                "summary": row.summary,
                "body": row.body,
                "metadata": _snapshot(row),
                "published_at": row.published_at,
            }
        )
        events.append(
            {
                "document_id": pk,
                "code": "imported",
                "actor_id": actor.pk,
                "created_at": now,
                "to_state": Document.State.PUBLISHED.value,
                "data": {"file": file_name, "row": row.number},
            }
        )
    insert_many(Document.columns.through, links, now=now)
    insert_many(DocumentVersion, versions, now=now)
    insert_many(DocumentEvent, events, now=now)
    attachments = _store_attachments(rows, pks, archive, actor=actor, stored=stored)
    as_document = _instances(Document, {"id", *documents[0]} if documents else set())
    as_version = _instances(DocumentVersion, set(versions[0]) if versions else set())
    written = {}
    for document, version in zip(documents, versions, strict=True):
        pk = version["document_id"]
        written[pk] = (
            as_document({**document, "id": pk}),
            as_version(version),
            attachments.get(pk, []),
        )
    return sum(len(found) for found in attachments.values()), written


def _instances(model: type[Any], keys: set[str]) -> Any:
    """A function making an instance of ``model`` from a row just written (``{attname: value}``
    with these ``keys``), as reading it back would give it.

    What ``from_db`` makes — the fields given loaded, the others deferred, the instance saved
    in the write database — without ``Model.__init__``, which sets each field in turn and
    sends ``pre_init`` and ``post_init``: most of the time of making a hundred thousand
    documents and their versions. Nothing listens to those for these models (a model with a
    listener, an image field say, is made by ``from_db``).
    """
    alias = router.db_for_write(model)
    names = [field.attname for field in model._meta.concrete_fields if field.attname in keys]
    if pre_init.has_listeners(model) or post_init.has_listeners(model):

        def loaded(values: dict[str, Any]) -> Any:
            return model.from_db(alias, names, [values[name] for name in names])

        return loaded
    take = itemgetter(*names) if len(names) > 1 else (lambda values: (values[names[0]],))

    def instance(values: dict[str, Any]) -> Any:
        made = object.__new__(model)
        made.__dict__.update(zip(names, take(values), strict=True))
        state = made._state = ModelState()
        state.adding = False
        state.db = alias
        return made

    return instance


def _store_attachments(
    rows: list[_Row],
    pks: dict[str, int],
    archive: _Archive,
    *,
    actor: User,
    stored: list[str],
) -> dict[int, list[Attachment]]:
    """Save the files under random names (appending each path to ``stored``) and create
    their rows, returned by document in display order. The caller deletes the stored files
    again if the transaction rolls back."""
    attachments = []
    for row in rows:
        for order, (name, inspected) in enumerate(row.attachments):
            info = archive.find(name)
            if info is None:  # checked in the first pass; the archive cannot change since
                raise BulkImportError(
                    _("“%(name)s” is not in the attachments archive.") % {"name": name}
                )
            # The bytes checked in the first pass: the same safe copy, and hash, again.
            safe = stored_bytes(archive.read(info), inspected)
            path = default_storage.save(
                attachment_path(None, inspected.original_name),  # type: ignore[arg-type]
                ContentFile(safe),
            )
            stored.append(path)
            attachments.append(
                Attachment(
                    document_id=pks[row.index_number],
                    file=path,
                    original_name=inspected.original_name,
                    content_type=inspected.content_type,
                    size=inspected.size,
                    sha256=inspected.sha256,
                    text=inspected.text,
                    sort_order=order,
                    uploaded_by=actor,
                )
            )
    by_document: dict[int, list[Attachment]] = {}
    for batch in _batches(attachments):
        Attachment.objects.bulk_create(batch)
    for attachment in attachments:
        by_document.setdefault(attachment.document_id, []).append(attachment)
    return by_document


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


# --- The service -----------------------------------------------------------------------------


def can_import_catalogue(user: User | None) -> bool:
    """Migrating a whole catalogue spans agencies: the disclosure office or an administrator."""
    return is_office(user) or is_administrator(user)


def import_catalogue(
    source: str | Path | IO[bytes],
    *,
    actor: User,
    attachments: str | Path | IO[bytes] | None = None,
    dry_run: bool = False,
    name: str | None = None,
    now: datetime.datetime | None = None,
) -> ImportReport:
    """Import a catalogue from an XLSX or CSV file and an optional ZIP of attachments.

    Every row is checked before anything is written; while any row has a problem, nothing is
    written and the report lists every problem by row. A dry run only checks. Raises
    :class:`CataloguePermissionDenied` for an actor who may not import and
    :class:`BulkImportError` when a file cannot be read at all.
    """
    if not can_import_catalogue(actor):
        raise CataloguePermissionDenied(
            _("Only the disclosure office or an administrator may import a catalogue.")
        )
    started = time.perf_counter()
    now = now or timezone.now()
    file_name = name or (
        Path(source).name if isinstance(source, str | Path) else getattr(source, "name", "")
    )
    file_name = Path(str(file_name or "catalogue")).name
    report = ImportReport(file_name=file_name, dry_run=dry_run)
    archive = _Archive(attachments)
    try:
        rows = _check(source, archive, report, today=timezone.localdate(now))
        if report.ok and not dry_run:
            stored: list[str] = []
            try:
                with transaction.atomic():
                    report.attachments, written = _write(
                        rows, archive, actor=actor, now=now, file_name=file_name, stored=stored
                    )
                    audit.record(
                        "catalogue.import_catalogue",
                        actor=actor,
                        details={
                            "file": file_name,
                            "documents": len(rows),
                            "attachments": report.attachments,
                            "agencies": len({row.agency.pk for row in rows}),
                        },
                    )
                    transaction.on_commit(
                        partial(
                            documents_imported.send,
                            sender=Document,
                            document_ids=list(written),
                            written=written,
                        )
                    )
            except BaseException:
                # Nothing of the import stays: no rows (rolled back) and no files.
                _delete_files(stored)
                raise
            report.documents = len(rows)
        elif report.ok:
            report.attachments = sum(len(row.attachments) for row in rows)
    finally:
        archive.close()
    report.seconds = time.perf_counter() - started
    return report


def _check(
    source: str | Path | IO[bytes], archive: _Archive, report: ImportReport, *, today: datetime.date
) -> list[_Row]:
    table = read_table(source)
    header_row = next(table, None)
    if header_row is None:
        raise BulkImportError(_("The metadata file is empty."))
    header_number, headers = header_row
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = HEADERS.get(header.strip())
        if key is None:
            if header.strip():
                report.ignored_columns.append(header.strip())
        elif key in positions:
            report.problems.append(
                RowProblem(header_number, header, _("The column appears more than once."))
            )
        else:
            positions[key] = position
    for header in REQUIRED_HEADERS:
        if HEADERS[header] not in positions:
            report.problems.append(
                RowProblem(header_number, header, _("The required column is missing."))
            )
    if report.problems:
        return []
    checker = _Checker(archive, today)
    rows: list[_Row] = []
    # Each key's position (past any row for a column the file does not have); the cells come
    # stripped from ``read_table``.
    places = [(key, positions.get(key, sys.maxsize)) for key in HEADERS.values()]
    for number, cells in table:
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise BulkImportError(
                _("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS}
            )
        width = len(cells)
        values = {key: cells[place] if place < width else "" for key, place in places}
        row = checker.check(number, values)
        if row is not None:
            rows.append(row)
    checker.check_against_database(checker.first_row_of)
    report.problems = sorted(checker.problems, key=lambda problem: problem.row)
    return rows
