"""The JSON API's home, schema, documentation page and the agencies endpoints."""

from __future__ import annotations

import datetime
import re

import pytest

from gongkai.agencies.models import Agency, MembershipChange
from gongkai.agencies.services import record_membership_change

pytestmark = pytest.mark.django_db


def join(agency: Agency) -> Agency:
    record_membership_change(
        agency,
        actor=None,
        system=True,
        change=MembershipChange.Change.JOINED,
        date=datetime.date(2020, 1, 1),
    )
    return agency


def test_home_names_the_api_and_its_endpoints(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["name"] == "Gongkai API"
    assert data["version"] == "1"
    assert data["schema_url"].endswith("/api/v1/openapi.json")
    assert data["docs_url"].endswith("/api/v1/docs")
    endpoints = {(e["method"], e["path"]) for e in data["endpoints"]}
    assert ("GET", "/api/v1/agencies") in endpoints
    assert ("GET", "/api/v1/agencies/{slug}") in endpoints


def test_schema_is_openapi_3_with_the_agencies_paths(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Gongkai API"
    assert "/api/v1/agencies" in schema["paths"]
    assert "/api/v1/agencies/{slug}" in schema["paths"]


def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="([^"]+)"', html)
    assert assets, "the page loads its Swagger UI assets"
    for asset in assets:
        assert asset.startswith("/static/"), asset
    assert "cdn" not in html.lower()


def test_agencies_lists_current_members_with_guide_fields(client, agency_factory):
    parent = join(agency_factory(slug="government", kind=Agency.Kind.GOVERNMENT, sort_order=0))
    finance = join(
        agency_factory(
            slug="finance",
            name="测试区财政局",
            parent=parent,
            sort_order=1,
            phone="025-87654321",
            contact_name="李四",
        )
    )
    agency_factory(slug="never-joined")

    response = client.get("/api/v1/agencies")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [item["slug"] for item in data["items"]] == ["government", "finance"]
    item = data["items"][1]
    assert item["name"] == finance.name
    assert item["kind"] == "department"
    assert item["kind_label"]
    assert item["parent"] == "government"
    assert item["phone"] == "025-87654321"
    assert item["contact_name"] == "李四"
    for field in (
        "short_name",
        "functions",
        "address",
        "postcode",
        "office_hours",
        "fax",
        "email",
        "online_contact",
        "leader_name",
        "leader_title",
        "contact_phone",
    ):
        assert field in item
    assert data["items"][0]["parent"] is None


def test_agencies_are_paginated_with_bounded_queries(
    client, agency_factory, django_assert_max_num_queries
):
    parent = join(agency_factory(sort_order=0))
    for n in range(1, 60):
        join(agency_factory(parent=parent, sort_order=n))

    with django_assert_max_num_queries(3):
        first = client.get("/api/v1/agencies").json()
    second = client.get("/api/v1/agencies", {"page": 2}).json()

    assert first["count"] == 60
    assert len(first["items"]) == 50
    assert len(second["items"]) == 10


def test_agency_detail(client, agency_factory):
    agency = join(agency_factory(slug="finance", name="测试区财政局"))

    response = client.get("/api/v1/agencies/finance")

    assert response.status_code == 200
    assert response.json()["name"] == agency.name


def test_unknown_agency_is_a_json_404(client):
    response = client.get("/api/v1/agencies/no-such-agency")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "No agency has this slug."}


def test_api_is_read_only(client):
    assert client.post("/api/v1/agencies", {}).status_code == 405
