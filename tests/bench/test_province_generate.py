"""The province generator's SQLite path (``bench/province``, ``bench/search/generate.py``): its
own INSERT must store what ``insert_many`` (the ORM's preparation of each value) stores, and
loading with the indexes deferred must leave the tables' indexes as the migrations made them —
otherwise a dataset would differ from the one a seed is said to give."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection

from bench.province import generate as province
from bench.search import generate as documents
from gongkai.catalogue.bulk_import import insert_many
from gongkai.catalogue.models import Document, DocumentVersion
from gongkai.info_requests.models import InfoRequest, RequestEvent
from gongkai.interaction.letters.models import Letter, LetterEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the generator writes by COPY on PostgreSQL"
    ),
]
NOW = datetime.datetime(2025, 12, 31, 23, tzinfo=province.SHANGHAI)


def _row(model, pk):
    """The row as stored: each column's SQL literal (``quote()``), so that a date stored as
    text in another form, or a number stored as text, would differ."""
    columns = [field.column for field in model._meta.concrete_fields]
    quoted = ", ".join(f"quote({connection.ops.quote_name(column)})" for column in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _both_ways(model, row, unique):
    """Insert ``row`` by ``insert_many`` and a copy by the generator's own INSERT (``unique``:
    the fields to tell them apart); return both as stored, without their ids."""
    insert_many(model, [row], now=NOW)
    first = model.objects.order_by("-pk").values_list("pk", flat=True)[0]
    documents._sqlite_insert(model, [{**row, **unique}], now=NOW)
    second = model.objects.order_by("-pk").values_list("pk", flat=True)[0]
    stored = _row(model, first), _row(model, second)
    for values in stored:
        del values["id"]
        for name in unique:
            del values[model._meta.get_field(name).column]
    return stored


def test_the_generators_insert_stores_what_insert_many_stores():
    agencies = province.build_agencies(io.StringIO())
    day = datetime.date(2024, 3, 4)

    document, version = province.ProvinceDocuments(1, agencies).document(
        datetime.datetime(2024, 3, 4, 9, 30, 15, tzinfo=province.SHANGHAI)
    )
    by_orm, by_generator = _both_ways(Document, document, {"index_number": "test-2"})
    assert by_orm == by_generator
    assert by_orm["published_at"] == "'2024-03-04 01:30:15'"  # naive UTC, as Django stores it
    version["document_id"] = Document.objects.order_by("pk").values_list("pk", flat=True)[0]
    by_orm, by_generator = _both_ways(DocumentVersion, version, {"number": 2})
    assert by_orm == by_generator

    applications = province.Applications(1, agencies)
    request, children = applications.make(day)
    by_orm, by_generator = _both_ways(InfoRequest, request, {"number": "YSQ2024T0001"})
    assert by_orm == by_generator
    events = [row for model, row in children if model is RequestEvent]
    assert any(event["data"] for event in events)  # JSON
    request_id = InfoRequest.objects.order_by("pk").values_list("pk", flat=True)[0]
    for event in events:
        event["request_id"] = request_id
        by_orm, by_generator = _both_ways(RequestEvent, event, {"comment": "test"})
        assert by_orm == by_generator

    letter, children = province.Letters(1, agencies).make(day)
    by_orm, by_generator = _both_ways(Letter, letter, {"number": "LX2024T0001"})
    assert by_orm == by_generator
    letter_id = Letter.objects.order_by("pk").values_list("pk", flat=True)[0]
    for _model, event in children:
        event["letter_id"] = letter_id
        by_orm, by_generator = _both_ways(LetterEvent, event, {"comment": "test"})
        assert by_orm == by_generator


def test_the_generators_applications_keep_the_first_answer_their_events_give():
    """The first answer the generator writes on each application (table 三 reads it) is the
    one its events give: the earliest answering event by date, time and row, and the outcome
    it recorded — replies and closings with an outcome (at receipt, missed deadlines)."""
    from django.db.models.fields.json import KeyTextTransform

    from gongkai.info_requests.models import answering_event_condition

    agencies = province.build_agencies(io.StringIO())
    applications = province.Applications(1, agencies)
    batches = province._Batches(InfoRequest, "request_id", NOW)
    for n in range(300):
        row, children = applications.make(datetime.date(2024, 1, 2) + datetime.timedelta(n))
        batches.rows.append(row)
        batches.children.extend((model, row["number"], child) for model, child in children)
    batches.flush()
    from_events = {}
    for request_id, on, outcome in (
        RequestEvent.objects.filter(answering_event_condition())
        .order_by("request_id", "-on", "-at", "-id")
        .values_list("request_id", "on", KeyTextTransform("outcome", "data"))
    ):
        from_events[request_id] = (on, outcome or "")  # the earliest comes last
    kept = {
        pk: (on, outcome)
        for pk, on, outcome in InfoRequest.objects.values_list(
            "pk", "first_answered_on", "first_answer_outcome"
        )
        if on is not None or outcome
    }
    assert kept == from_events
    closings = RequestEvent.objects.filter(answering_event_condition(), code="closed")
    assert len(kept) > 250 and closings.count() > 10


def _indexes(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL ORDER BY name",
            [table],
        )
        return cursor.fetchall()


def test_loading_with_the_indexes_deferred_makes_them_again_as_they_were():
    table = RequestEvent._meta.db_table
    before = _indexes(table)
    assert "request_event_answer" in dict(before)  # a partial index, with its condition
    with documents.bulk_sqlite(RequestEvent, stdout=io.StringIO()):
        assert _indexes(table) == []
    assert _indexes(table) == before
    assert _indexes(Letter._meta.db_table)  # the other tables' indexes were not touched
