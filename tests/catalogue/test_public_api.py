"""``/api/v1/documents``: public documents, one document, and the normative register."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import Document, DocumentRelation
from tests.catalogue.public_helpers import (
    SECRET_TITLES,
    add_version,
    join,
    make_attachment,
    make_document,
    non_public_documents,
    register,
    relate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(agency):
    agency.name = "测试区财政局"
    agency.slug = "finance"
    agency.save()
    return join(agency)


def at(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 5, 6, 10))


def test_list_has_public_documents_only_with_their_public_content(client, member):
    public = make_document(
        member,
        title="公开的通知",
        summary="公开概述",
        statutory_item="reg20-07",
        topic="czjr-cz",
        genre="tongzhi",
        columns=("tzgg",),
    )
    non_public_documents(member)

    response = client.get("/api/v1/documents")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == public.pk
    assert item["index_number"] == public.index_number
    assert item["title"] == "公开的通知"  # the published version, not the working copy
    assert item["summary"] == "公开概述"
    assert item["agency"] == {"slug": "finance", "name": "测试区财政局"}
    assert item["statutory_item"]["code"] == "reg20-07"
    assert item["topic"] == {"code": "czjr-cz", "name": "财政"}
    assert item["genre"]["name"] == "通知"
    assert item["columns"] == ["tzgg"]
    assert item["validity"] == "valid"
    assert item["url"] == "http://testserver" + reverse("catalogue:document", args=[public.pk])
    body = response.content.decode()
    for title in SECRET_TITLES:
        assert title not in body
    assert "body" not in item  # the list carries no text


def test_list_filters_and_pages(client, member, other_agency):
    other = join(other_agency)
    for _ in range(25):
        make_document(member, genre="tongzhi", published_at=at(2024), columns=("zdly-czzj",))
    make_document(member, genre="banfa", published_at=at(2023), validity="repealed")
    make_document(other, genre="tongzhi", published_at=at(2024), topic="kjjy-jy")

    def count(**params):
        response = client.get("/api/v1/documents", params)
        assert response.status_code == 200
        return response.json()["count"]

    assert count() == 27
    assert count(agency="finance") == 26
    assert count(genre="banfa") == 1
    assert count(year=2023) == 1
    assert count(validity="repealed") == 1
    assert count(topic="kjjy") == 1
    assert count(column="zdly") == 25  # a column includes its sub-columns
    assert count(statutory_item="reg20-01") == 0
    page = client.get("/api/v1/documents", {"page": 2}).json()
    assert len(page["items"]) == 7


def test_list_runs_a_bounded_number_of_queries(client, member, django_assert_max_num_queries):
    for _ in range(60):
        make_document(member, genre="tongzhi", columns=("tzgg", "zcwj"))

    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/documents").status_code == 200


def test_detail_by_index_number_or_id_with_body_attachments_and_relations(client, member):
    old = make_document(member, title="旧办法", validity=Document.Validity.REPEALED)
    new = make_document(member, title="新办法", body="<p>新办法正文</p>")
    relate(new, old, DocumentRelation.Kind.REPEALS)
    reading = make_document(member, title="新办法解读", kind=Document.Kind.INTERPRETATION)
    reading.interprets.add(new)
    attachment = make_attachment(new, "新办法全文.pdf", b"%PDF-1.4")
    add_version(new, title="新办法（修订版）", body="<p>修订正文</p><script>x()</script>")

    by_index = client.get(f"/api/v1/documents/{new.index_number}")
    by_id = client.get(f"/api/v1/documents/{new.pk}")
    repealed = client.get(f"/api/v1/documents/{old.pk}").json()

    assert by_index.status_code == 200
    data = by_index.json()
    assert data == by_id.json()
    assert data["title"] == "新办法（修订版）"
    assert data["body"] == "<p>修订正文</p>"
    assert data["attachments"] == [
        {
            "name": "新办法全文.pdf",
            "content_type": "application/pdf",
            "size": 8,
            "url": "http://testserver"
            + reverse("catalogue:attachment", args=[new.pk, attachment.pk]),
        }
    ]
    assert [d["id"] for d in data["repeals"]] == [old.pk]
    assert [d["id"] for d in data["interpretations"]] == [reading.pk]
    assert [d["id"] for d in repealed["repealed_by"]] == [new.pk]
    assert repealed["validity"] == "repealed"


def test_detail_answers_404_json_for_anything_not_public(client, member):
    for name, document in non_public_documents(member).items():
        for key in (document.pk, document.index_number):
            if key is None:
                continue
            response = client.get(f"/api/v1/documents/{key}")
            assert response.status_code == 404, name
            assert response["Content-Type"].startswith("application/json")
            assert "detail" in response.json()
    assert client.get("/api/v1/documents/no-such-number").status_code == 404


def test_normative_register_by_year(client, member):
    valid = make_document(member, title="规范性文件甲", is_normative=True)
    repealed = make_document(
        member, title="规范性文件乙", is_normative=True, validity=Document.Validity.REPEALED
    )
    old = make_document(member, title="规范性文件丙", is_normative=True, published_at=at(2023))
    withdrawn = make_document(member, is_normative=True, state=Document.State.WITHDRAWN)
    register(valid, year=2024, serial=1)
    register(repealed, year=2024, serial=2)
    register(old, year=2023, serial=1)
    register(withdrawn, year=2024, serial=3)

    latest = client.get("/api/v1/documents/register/normative").json()
    earlier = client.get("/api/v1/documents/register/normative", {"year": 2023}).json()
    empty = client.get("/api/v1/documents/register/normative", {"year": 2001}).json()

    assert latest["year"] == 2024
    assert [e["number"] for e in latest["entries"]] == ["CSGS-2024-001", "CSGS-2024-002"]
    assert [e["validity"] for e in latest["entries"]] == ["valid", "repealed"]
    assert latest["entries"][0]["document"]["title"] == "规范性文件甲"
    assert latest["years"][0] == {
        "year": 2024,
        "made": 2,
        "valid": 1,
        "repealed": 1,
        "expired": 0,
        "amended": 0,
    }
    assert [e["number"] for e in earlier["entries"]] == ["CSGS-2023-001"]
    assert empty["entries"] == []


def test_the_api_lists_its_document_endpoints(client):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])

    assert "/api/v1/documents" in paths
    assert "/api/v1/documents/register/normative" in paths
    assert "/api/v1/documents/{key}" in paths
