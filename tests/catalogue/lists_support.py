"""Helpers for the structured-list tests: the seeded types, records made through the services,
workbooks in memory, and personal-data sentinels that must never appear in public."""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import Workbook

from gongkai.catalogue import lists
from gongkai.catalogue.data.record_types import seed_record_types
from gongkai.catalogue.models import Column, ListRecord, RecordField, RecordType, StatutoryItem
from gongkai.core.text import Kind, mask

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    """A resident ID number with a valid check digit."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


# Unique values planted in personal fields: any of them on a public page is a leak.
SENTINEL_NAME = "沈砚秋"
SENTINEL_ID = resident_id("37030319850612731")
SENTINEL_NAME_MASKED = "沈**"
SENTINEL_ID_MASKED = mask(SENTINEL_ID, Kind.RESIDENT_ID)


def seed() -> dict[str, RecordType]:
    seed_record_types(RecordType, RecordField, Column, StatutoryItem)
    return {record_type.code: record_type for record_type in RecordType.objects.all()}


def housing_values(n: int = 0, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "batch": "2024年第一批",
        "applicant_name": SENTINEL_NAME if n == 0 else f"申请人{n:03d}",
        "id_number": SENTINEL_ID if n == 0 else resident_id(f"37030319800101{n:03d}"),
        "household_size": 3,
        "support_mode": "公共租赁住房",
        "notice_date": datetime.date(2024, 5, 10),
    }
    values.update(overrides)
    return values


def power_values(n: int, agency_name: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "item_name": f"第{n}项行政许可事项",
        "power_type": "行政许可",
        "implementing_agency": agency_name,
        "legal_basis": "《中华人民共和国行政许可法》",
        "supervision_phone": "0311-87654321",
    }
    values.update(overrides)
    return values


def make_record(
    record_type: RecordType,
    *,
    agency,
    actor,
    values: dict[str, Any],
    publish: bool = False,
    now: datetime.datetime | None = None,
) -> ListRecord:
    record = lists.create_record(record_type, agency=agency, actor=actor, values=values)
    if publish:
        (record,) = lists.publish_records([record], actor=actor, now=now)
    return record


def xlsx(headers: list[Any], rows: list[list[Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "upload.xlsx"  # type: ignore[attr-defined]
    return buffer


HOUSING_HEADERS = ["批次", "申请人姓名", "身份证号", "家庭人口", "保障方式", "公示日期"]
