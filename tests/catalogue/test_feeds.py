"""Atom feeds per agency and per column, and sitemap.xml: public documents only."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import Document, PageVisit
from tests.catalogue.public_helpers import (
    SECRET_TITLES,
    join,
    make_document,
    non_public_documents,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def member(agency, editor_user):
    agency.name = "测试区财政局"
    agency.slug = "finance"
    agency.save()
    return join(agency)


@pytest.fixture
def editor_user(user_factory):
    return user_factory(username="editor-zhang", full_name="张编辑", email="zhang@example.com")


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the application's own output, not untrusted


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return parse(response.content).findall(f"{ATOM}entry")


def test_agency_feed_lists_the_agencys_public_documents_newest_first(client, member, other_agency):
    first = make_document(
        member,
        title="第一份通知",
        summary="第一份通知的概述",
        published_at=timezone.make_aware(datetime.datetime(2024, 1, 1, 9)),
    )
    second = make_document(
        member,
        title="第二份通知",
        published_at=timezone.make_aware(datetime.datetime(2024, 2, 1, 9)),
    )
    make_document(join(other_agency), title="别的单位的通知")

    feed = entries(client.get(reverse("catalogue:agency_feed", args=["finance"])))

    assert [entry.findtext(f"{ATOM}title") for entry in feed] == ["第二份通知", "第一份通知"]
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed]
    assert links[0].endswith(reverse("catalogue:document", args=[second.pk]))
    assert links[1].startswith("http://testserver/")
    assert feed[1].findtext(f"{ATOM}summary") == "第一份通知的概述"
    assert feed[1].findtext(f"{ATOM}author/{ATOM}name") == "测试区财政局"
    assert feed[1].find(f"{ATOM}category").get("term") == first.index_number


def test_feeds_never_carry_unpublished_withdrawn_or_not_proactive_documents(
    client, member, editor_user
):
    make_document(member, title="公开的通知", columns=("tzgg",), created_by=editor_user)
    for document in non_public_documents(member).values():
        document.columns.set(Document.objects.get(title__startswith="公开的通知").columns.all())

    for url in (
        reverse("catalogue:agency_feed", args=["finance"]),
        reverse("catalogue:column_feed", args=["tzgg"]),
    ):
        response = client.get(url)
        body = response.content.decode()
        assert [e.findtext(f"{ATOM}title") for e in entries(response)] == ["公开的通知"]
        for title in SECRET_TITLES:
            assert title not in body
        # No personal data: neither the editor's name nor an address of any person.
        assert "张编辑" not in body and "editor-zhang" not in body and "@" not in body
        assert "（工作稿）" not in body


def test_column_feed_includes_sub_columns_and_unknown_feeds_are_404(client, member):
    make_document(member, title="政府采购公告", columns=("zdly-zfcg",))
    make_document(member, title="通知公告", columns=("tzgg",))

    feed = entries(client.get(reverse("catalogue:column_feed", args=["zdly"])))

    assert [entry.findtext(f"{ATOM}title") for entry in feed] == ["政府采购公告"]
    assert client.get(reverse("catalogue:column_feed", args=["nope"])).status_code == 404
    assert client.get(reverse("catalogue:agency_feed", args=["nope"])).status_code == 404


def test_feeds_are_not_counted_as_page_visits(client, member):
    client.get(reverse("catalogue:agency_feed", args=["finance"]))

    assert not PageVisit.objects.exists()


def test_sitemap_lists_public_documents_columns_and_agency_pages_only(client, member):
    public = make_document(member, title="公开的通知")
    hidden = non_public_documents(member)

    response = client.get(reverse("catalogue:sitemap"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = [loc.text for loc in parse(response.content).iter(f"{SITEMAP}loc") if loc.text]
    paths = {location.removeprefix("http://testserver") for location in locations}
    assert reverse("catalogue:document", args=[public.pk]) in paths
    for document in hidden.values():
        assert reverse("catalogue:document", args=[document.pk]) not in paths
    assert reverse("catalogue:index") in paths
    assert reverse("catalogue:normative") in paths
    assert reverse("catalogue:column", args=["tzgg"]) in paths
    assert reverse("catalogue:agency_disclosure", args=["finance"]) in paths
    assert reverse("catalogue:agency_guide", args=["finance"]) in paths
    assert "<lastmod>2024-05-06</lastmod>" in response.content.decode()
