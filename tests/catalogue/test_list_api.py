"""``/api/v1/lists``: the types and their published records, personal fields masked."""

from __future__ import annotations

import json

import pytest

from gongkai.catalogue import lists
from tests.catalogue.lists_support import (
    SENTINEL_ID,
    SENTINEL_ID_MASKED,
    SENTINEL_NAME,
    SENTINEL_NAME_MASKED,
    housing_values,
    make_record,
    power_values,
    seed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    return seed()


@pytest.fixture
def housing(types, agency, editor):
    record_type = types["housing-allocation"]
    make_record(record_type, agency=agency, actor=editor, values=housing_values(), publish=True)
    make_record(
        record_type,
        agency=agency,
        actor=editor,
        values=housing_values(1, support_mode="租赁补贴"),
        publish=True,
    )
    make_record(
        record_type, agency=agency, actor=editor, values=housing_values(2, batch="草稿批次")
    )
    withdrawn = make_record(
        record_type,
        agency=agency,
        actor=editor,
        values=housing_values(3, batch="撤回批次"),
        publish=True,
    )
    lists.withdraw_record(withdrawn, actor=editor)
    return record_type


def test_types_are_listed_with_fields_counts_and_links(client, housing):
    response = client.get("/api/v1/lists")

    assert response.status_code == 200
    by_code = {item["code"]: item for item in response.json()}
    assert set(by_code) >= {"power-list", "housing-allocation", "procurement-notice"}
    item = by_code["housing-allocation"]
    assert item["name"] == "保障性住房分配公示"
    assert item["record_count"] == 2
    assert item["column"] == "zdly-bzxzf"
    assert item["statutory_items"] == ["reg20-11"]
    fields = {f["key"]: f for f in item["fields"]}
    assert fields["id_number"]["personal"] is True
    assert fields["id_number"]["filter"] is False
    assert fields["support_mode"]["filter"] is True
    assert fields["support_mode"]["choices"][0] == "经济适用住房"
    assert sorted(by_code["power-list"]["statutory_items"]) == ["reg20-05", "reg20-06"]


def test_records_are_published_only_with_personal_fields_masked(client, housing, agency):
    response = client.get("/api/v1/lists/housing-allocation")

    assert response.status_code == 200
    body = response.content.decode()
    assert SENTINEL_NAME not in json.dumps(response.json(), ensure_ascii=False)
    assert SENTINEL_NAME not in body and SENTINEL_ID not in body
    data = response.json()
    assert data["count"] == 2
    values = [item["values"] for item in data["items"]]
    assert {v["applicant_name"] for v in values} == {SENTINEL_NAME_MASKED, "申*****"}
    assert SENTINEL_ID_MASKED in {v["id_number"] for v in values}
    assert {v["batch"] for v in values} == {"2024年第一批"}
    assert data["items"][0]["agency"] == agency.slug
    assert data["items"][0]["published_at"]


def test_records_can_be_filtered_searched_and_paged(client, types, agency, editor):
    power = types["power-list"]
    for n in range(7):
        make_record(
            power,
            agency=agency,
            actor=editor,
            values=power_values(n, agency.name, power_type="行政处罚" if n < 2 else "行政许可"),
            publish=True,
        )

    page = client.get("/api/v1/lists/power-list", {"page_size": 5, "page": 2}).json()
    assert page["count"] == 7 and page["page"] == 2 and len(page["items"]) == 2
    filtered = client.get("/api/v1/lists/power-list", {"power_type": "行政处罚"}).json()
    assert filtered["count"] == 2
    searched = client.get("/api/v1/lists/power-list", {"q": "第3项"}).json()
    assert [item["values"]["item_name"] for item in searched["items"]] == ["第3项行政许可事项"]
    assert searched["items"][0]["values"]["implementing_agency"] == agency.name
    assert client.get("/api/v1/lists/power-list", {"page_size": 1000}).status_code == 422


def test_an_unknown_or_switched_off_list_is_not_found(client, types):
    assert client.get("/api/v1/lists/no-such-list").status_code == 404
    types["land-expropriation"].active = False
    types["land-expropriation"].save()
    assert client.get("/api/v1/lists/land-expropriation").status_code == 404
    codes = {item["code"] for item in client.get("/api/v1/lists").json()}
    assert "land-expropriation" not in codes


def test_list_endpoints_appear_in_the_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/lists" in paths
    assert "/api/v1/lists/{code}" in paths
