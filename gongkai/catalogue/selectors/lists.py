"""Queries of the structured key-area lists, shared by the public pages, exports, the API and
the workbench.

Public queries start from :func:`published_records`: only published records of active types
are ever public, drafts and withdrawn records never. What a page shows of a record goes through
:func:`present_records`, which masks personal fields (and stray ID, card and mobile numbers in
the others) whenever ``public`` is true, and resolves agencies and attachments in one query
each, so a page costs the same number of queries whatever its number of rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import agencies_visible_to
from gongkai.catalogue.lists import ATTACHMENT_PREFIX, linkable_attachments, public_text
from gongkai.catalogue.models import Attachment, ListRecord, RecordField, RecordType
from gongkai.core.text import Kind, find_personal_data, mask

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

PUBLIC_ORDER = ("-published_at", "-id")
FILTERABLE_TYPES = frozenset(
    {
        RecordField.Type.TEXT,
        RecordField.Type.NUMBER,
        RecordField.Type.MONEY,
        RecordField.Type.DATE,
        RecordField.Type.AGENCY,
        RecordField.Type.CHOICE,
    }
)
OPTION_TYPES = frozenset({RecordField.Type.AGENCY, RecordField.Type.CHOICE, RecordField.Type.DATE})
_ID_NUMBER_RE = re.compile(r"^(?:[0-9]{17}[0-9Xx]|[0-9]{15})$")
_YEAR_RE = re.compile(r"^[0-9]{4}$")


# --- Masking -------------------------------------------------------------------------------


def mask_personal(value: str) -> str:
    """A personal field's value as the public may see it.

    An identity number keeps its first six and last four characters, a phone number or e-mail
    address is masked as ``gongkai.core.text.mask`` does; anything else (a name, an address)
    keeps its first character only: ``沈砚秋`` → ``沈**``.
    """
    text = str(value).strip()
    if not text:
        return ""
    compact = re.sub(r"[\s-]", "", text)
    if _ID_NUMBER_RE.match(compact):
        return mask(compact, Kind.RESIDENT_ID)
    findings = find_personal_data(text)
    if len(findings) == 1 and findings[0].start == 0 and findings[0].end == len(text):
        return findings[0].masked
    return text[0] + mask(text[1:], "personal")


# --- Types ---------------------------------------------------------------------------------


def public_record_types() -> QuerySet[RecordType]:
    """Active types with ``record_count``, the number of their published records."""
    return (
        RecordType.objects.filter(active=True)
        .select_related("column")
        .annotate(
            record_count=Count("records", filter=Q(records__state=ListRecord.State.PUBLISHED))
        )
        .order_by("sort_order", "id")
    )


def public_record_type(code: str) -> RecordType | None:
    """The active type with ``code``, its fields prefetched; None when there is none."""
    return (
        RecordType.objects.filter(active=True, code=code)
        .select_related("column")
        .prefetch_related("fields")
        .first()
    )


def fields_of(record_type: RecordType) -> list[RecordField]:
    """The type's fields in display order (from the prefetch when there is one)."""
    return sorted(record_type.fields.all(), key=lambda f: (f.sort_order, f.pk))


# --- Public records ------------------------------------------------------------------------


def published_records(record_type: RecordType) -> QuerySet[ListRecord]:
    """The type's published records, newest first: the only records anyone outside sees."""
    return (
        ListRecord.objects.filter(
            record_type=record_type,
            record_type__active=True,
            state=ListRecord.State.PUBLISHED,
        )
        .select_related("agency")
        .order_by(*PUBLIC_ORDER)
    )


def public_record(record_type: RecordType, pk: int) -> ListRecord | None:
    """One published record of the type, or None (a draft or withdrawn record is not found)."""
    return published_records(record_type).filter(pk=pk).first()


def filter_fields(fields: Sequence[RecordField]) -> list[RecordField]:
    """The fields offered as public filters: searchable, of a filterable type, never personal."""
    return [f for f in fields if f.searchable and not f.personal and f.type in FILTERABLE_TYPES]


def apply_filters(
    records: QuerySet[ListRecord],
    fields: Sequence[RecordField],
    filters: Mapping[str, str],
    q: str = "",
) -> QuerySet[ListRecord]:
    """``records`` narrowed by ``filters`` (field key → value, on filterable fields only;
    others are ignored) and by every word of ``q`` in the record's searchable text."""
    for field_def in filter_fields(fields):
        value = str(filters.get(field_def.key, "")).strip()
        if not value:
            continue
        lookup = f"data__{field_def.key}"
        if field_def.type == RecordField.Type.AGENCY:
            if not value.isdigit():
                return records.none()
            records = records.filter(**{lookup: int(value)})
        elif field_def.type == RecordField.Type.DATE:
            if not _YEAR_RE.match(value):
                return records.none()
            records = records.filter(**{f"{lookup}__startswith": value})
        elif field_def.type == RecordField.Type.TEXT:
            records = records.filter(**{f"{lookup}__icontains": value})
        else:
            records = records.filter(**{lookup: value})
    for word in q.split()[:10]:
        records = records.filter(search_text__icontains=word)
    return records


def public_records(
    record_type: RecordType,
    filters: Mapping[str, str] | None = None,
    q: str = "",
    *,
    fields: Sequence[RecordField] | None = None,
) -> QuerySet[ListRecord]:
    """Published records of the type matching ``filters`` and the search words ``q``."""
    fields = fields_of(record_type) if fields is None else fields
    return apply_filters(published_records(record_type), fields, filters or {}, q)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


@dataclass
class FilterField:
    """A filter of the public list: a select with counts, or a text box (no ``options``)."""

    field: RecordField
    value: str
    options: list[Option] = dataclass_field(default_factory=list)

    @property
    def has_options(self) -> bool:
        return self.field.type in OPTION_TYPES


def filter_choices(
    record_type: RecordType,
    fields: Sequence[RecordField],
    filters: Mapping[str, str],
) -> list[FilterField]:
    """The filters of the public list with, for choices, agencies and years, the number of
    published records of each value: one query per such field, whatever the number of rows."""
    published = published_records(record_type).order_by()
    result = []
    agency_counts: dict[str, dict[int, int]] = {}
    for field_def in filter_fields(fields):
        current = str(filters.get(field_def.key, "")).strip()
        item = FilterField(field=field_def, value=current)
        if field_def.type in OPTION_TYPES:
            transform: Any = KeyTextTransform(field_def.key, "data")
            if field_def.type == RecordField.Type.DATE:
                transform = Substr(transform, 1, 4)
            counts = {
                str(row["value"]): row["count"]
                for row in published.annotate(value=transform)
                .values("value")
                .annotate(count=Count("id"))
                .order_by()
                if row["value"] not in (None, "")
            }
            if field_def.type == RecordField.Type.CHOICE:
                item.options = [
                    Option(choice, choice, counts.get(choice, 0)) for choice in field_def.choices
                ]
            elif field_def.type == RecordField.Type.DATE:
                item.options = [
                    Option(year, year, counts[year]) for year in sorted(counts, reverse=True)
                ]
            else:
                agency_counts[field_def.key] = {
                    int(pk): n for pk, n in counts.items() if pk.isdigit()
                }
        result.append(item)
    if agency_counts:
        wanted = {pk for counts in agency_counts.values() for pk in counts}
        agencies = Agency.objects.filter(pk__in=wanted).order_by("sort_order", "id")
        names = [(agency.pk, agency.name) for agency in agencies]
        for item in result:
            if item.field.key in agency_counts:
                counts_by_pk = agency_counts[item.field.key]
                item.options = [
                    Option(str(pk), name, counts_by_pk[pk])
                    for pk, name in names
                    if pk in counts_by_pk
                ]
    return result


# --- Presenting records --------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One value as shown: its text and, for a web address or attachment, its link."""

    field: RecordField
    text: str
    url: str = ""


@dataclass
class RecordRow:
    record: ListRecord
    cells: list[Cell]

    def text(self, key: str) -> str:
        for cell in self.cells:
            if cell.field.key == key:
                return cell.text
        return ""


def attachment_url(document_id: int, attachment_id: int) -> str:
    """The download address of a document's attachment (the catalogue's public download
    view), or "" if that view is not installed: the file name is then shown without a link."""
    try:
        return reverse("catalogue:attachment", args=[document_id, attachment_id])
    except NoReverseMatch:
        return ""


def _money_text(value: str) -> str:
    try:
        return f"{Decimal(value):,.2f}"
    except ArithmeticError:
        return value


def present_records(
    records: Iterable[ListRecord],
    fields: Sequence[RecordField],
    *,
    public: bool,
) -> list[RecordRow]:
    """The records as rows of display texts, in field order.

    With ``public`` personal fields are masked, stray ID, card and mobile numbers in other
    fields too, and an attachment is linked only while its document is published.
    """
    records = list(records)
    agency_ids: set[int] = set()
    attachment_ids: set[int] = set()
    for record in records:
        for field_def in fields:
            value = record.data.get(field_def.key)
            if value is None:
                continue
            if field_def.type == RecordField.Type.AGENCY and str(value).isdigit():
                agency_ids.add(int(value))
            elif field_def.type == RecordField.Type.ATTACHMENT and str(value).startswith(
                ATTACHMENT_PREFIX
            ):
                attachment_ids.add(int(str(value)[len(ATTACHMENT_PREFIX) :]))
    agency_names = (
        dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
        if agency_ids
        else {}
    )
    attachments: dict[int, tuple[str, int]] = {}
    if attachment_ids:
        found = (linkable_attachments() if public else Attachment.objects).filter(
            pk__in=attachment_ids
        )
        attachments = {
            pk: (name, document_id)
            for pk, name, document_id in found.values_list("pk", "original_name", "document_id")
        }
    rows = []
    for record in records:
        cells = []
        for field_def in fields:
            value = record.data.get(field_def.key)
            cells.append(_cell(field_def, value, public, agency_names, attachments))
        rows.append(RecordRow(record=record, cells=cells))
    return rows


def _cell(
    field_def: RecordField,
    value: Any,
    public: bool,
    agency_names: Mapping[int, str],
    attachments: Mapping[int, tuple[str, int]],
) -> Cell:
    if value is None or value == "":
        return Cell(field_def, "")
    kind = field_def.type
    if kind == RecordField.Type.AGENCY:
        text = agency_names.get(int(value), "") if str(value).isdigit() else str(value)
    elif kind == RecordField.Type.MONEY:
        text = _money_text(str(value))
    elif kind == RecordField.Type.ATTACHMENT and str(value).startswith(ATTACHMENT_PREFIX):
        attachment_id = int(str(value)[len(ATTACHMENT_PREFIX) :])
        if attachment_id not in attachments:
            return Cell(field_def, "")
        name, document_id = attachments[attachment_id]
        return Cell(field_def, name, attachment_url(document_id, attachment_id))
    else:
        text = str(value)
    if public:
        text = mask_personal(text) if field_def.personal else public_text(text)
    if kind in (RecordField.Type.URL, RecordField.Type.ATTACHMENT) and not field_def.personal:
        return Cell(field_def, text, text)
    return Cell(field_def, text)


# --- Staff ---------------------------------------------------------------------------------


def list_records_visible_to(user: UserLike) -> QuerySet[ListRecord]:
    """Records of the agencies where ``user`` acts (every agency for the office)."""
    return ListRecord.objects.filter(agency__in=agencies_visible_to(user))


def staff_records(
    user: UserLike,
    *,
    agency: Agency,
    record_type: RecordType,
    state: str = "",
    q: str = "",
) -> QuerySet[ListRecord]:
    """``agency``'s records of the type as its staff see them, drafts first, newest first."""
    records = list_records_visible_to(user).filter(agency=agency, record_type=record_type)
    if state in ListRecord.State.values:
        records = records.filter(state=state)
    for word in q.split()[:10]:
        records = records.filter(search_text__icontains=word)
    return records.select_related("agency").order_by("state", "-updated_at", "-id")


def staff_record_counts(user: UserLike, *, agency: Agency) -> dict[int, dict[str, int]]:
    """``{type id: {state: count}}`` of ``agency``'s records, in one query."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        list_records_visible_to(user)
        .filter(agency=agency)
        .order_by()
        .values("record_type_id", "state")
        .annotate(count=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["record_type_id"], {})[row["state"]] = row["count"]
    return counts


# --- Annual report ---------------------------------------------------------------------------


def published_or_withdrawn_records(code: str, *, agency_ids: Iterable[int]) -> QuerySet[ListRecord]:
    """Every record of the type ``code`` (e.g. ``power-list``) of the agencies ``agency_ids``
    that has been published — published now, or withdrawn since — with its publication and
    withdrawal times, so that the annual report can count the records public on a given day
    (the 2019 trial format's item counts and procurement, REG 20). Drafts never count."""
    return ListRecord.objects.filter(
        record_type__code=code,
        agency_id__in=list(agency_ids),
        state__in=(ListRecord.State.PUBLISHED, ListRecord.State.WITHDRAWN),
        published_at__isnull=False,
    ).order_by("id")


# --- Annual report -------------------------------------------------------------------------


def records_public_between_of_types(
    periods: Mapping[str, tuple[datetime.date | None, datetime.date]],
    *,
    agency_ids: Iterable[int],
) -> QuerySet[ListRecord]:
    """:func:`records_public_between` of several list types at once (code → (start, end)),
    in one query: the records of each type as that function selects them, in its order."""
    ids = list(agency_ids)
    chosen = Q(pk__in=[])
    for code, (start, end) in periods.items():
        chosen |= Q(pk__in=records_public_between(code, start, end, agency_ids=ids).values("pk"))
    return ListRecord.objects.filter(chosen).order_by("published_at", "id")


def records_public_between(
    code: str,
    start: datetime.date | None,
    end: datetime.date,
    *,
    agency_ids: Iterable[int],
) -> QuerySet[ListRecord]:
    """Records of the list type ``code`` of the agencies ``agency_ids`` first published from
    ``start`` (or ever, when None) to ``end`` (local dates, both included) and still public at
    the end of ``end`` — published, or withdrawn only after that day: a year's report counts
    the power list standing on 31 December, and the procurement notices of the year."""
    rows = ListRecord.objects.filter(
        record_type__code=code,
        agency_id__in=list(agency_ids),
        published_at__date__lte=end,
    ).filter(
        Q(state=ListRecord.State.PUBLISHED)
        | Q(state=ListRecord.State.WITHDRAWN, withdrawn_at__date__gt=end)
    )
    if start is not None:
        rows = rows.filter(published_at__date__gte=start)
    return rows.order_by("published_at", "id")
