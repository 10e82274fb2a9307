"""``/api/v1/lists``: the structured key-area lists — their types and their published records.

Records come through the same selectors as the public pages: only published records of active
types, and their values through ``present_records(public=True)``, so personal fields are masked
here exactly as on the pages.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from gongkai.api.schemas import ErrorOut
from gongkai.catalogue.models import RecordField, RecordType
from gongkai.catalogue.selectors import lists as selectors

router = Router(tags=["lists"])

MAX_PAGE_SIZE = 200


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    choices: list[str]
    personal: bool = Field(description="Personal data: masked in every public answer.")
    filter: bool = Field(description="Offered as a filter: pass ?<key>=<value>.")

    @staticmethod
    def resolve_filter(obj: RecordField) -> bool:
        return obj.searchable and not obj.personal


class RecordTypeOut(Schema):
    code: str
    name: str
    description: str
    column: str | None = Field(None, description="The portal column's slug.")
    statutory_items: list[str] = Field(description="Codes of the REG 20/21 items it answers.")
    record_count: int = Field(description="Published records.")
    fields: list[FieldOut]

    @staticmethod
    def resolve_column(obj: RecordType) -> str | None:
        return obj.column.slug if obj.column_id is not None and obj.column else None

    @staticmethod
    def resolve_statutory_items(obj: RecordType) -> list[str]:
        return [item.code for item in obj.statutory_items.all()]

    @staticmethod
    def resolve_fields(obj: RecordType) -> list[RecordField]:
        return selectors.fields_of(obj)


class RecordOut(Schema):
    id: int
    agency: str = Field(description="The publishing agency's slug.")
    agency_name: str
    published_at: datetime.datetime | None
    values: dict[str, str] = Field(
        description="Display values by field key; personal fields masked."
    )


class RecordPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[RecordOut]


class RecordQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    q: str = Field("", max_length=100, description="Words to find in the records.")


@router.get(
    "",
    response=list[RecordTypeOut],
    summary="List the structured list types",
    url_name="list_types",
)
def list_types(request: HttpRequest) -> Any:
    """The active types with their fields and their number of published records."""
    return list(selectors.public_record_types().prefetch_related("fields", "statutory_items"))


@router.get(
    "/{code}",
    response={200: RecordPageOut, 404: ErrorOut},
    summary="Published records of one list",
    url_name="list_records",
)
def list_records(request: HttpRequest, code: str, query: Query[RecordQuery]) -> Any:
    """Published records, newest first, a page at a time; filter with ``?<field key>=<value>``
    on the fields marked ``filter`` (a year for dates, an agency id for agencies)."""
    record_type = selectors.public_record_type(code)
    if record_type is None:
        raise HttpError(404, "No list has this code.")
    fields = selectors.fields_of(record_type)
    filters = {
        f.key: request.GET[f.key] for f in selectors.filter_fields(fields) if request.GET.get(f.key)
    }
    records = selectors.public_records(record_type, filters, query.q, fields=fields)
    paginator = Paginator(records, query.page_size)
    page_number = min(query.page, max(paginator.num_pages, 1))
    page = paginator.page(page_number) if paginator.count else None
    rows = selectors.present_records(page.object_list if page else [], fields, public=True)
    return {
        "count": paginator.count,
        "page": page_number,
        "page_size": query.page_size,
        "items": [
            {
                "id": row.record.pk,
                "agency": row.record.agency.slug,
                "agency_name": row.record.agency.name,
                "published_at": row.record.published_at,
                "values": {cell.field.key: cell.text for cell in row.cells},
            }
            for row in rows
        ],
    }
