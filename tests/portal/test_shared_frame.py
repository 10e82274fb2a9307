"""The frame every page shares (gongkai.core.shared_cache) — site identity, footer, language
buttons, member agencies — is kept between requests but shows a committed change at once."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency
from gongkai.agencies.services import update_site_identity
from gongkai.core import shared_cache
from tests.portal.test_pages import join

# Outside the test's own transaction, as a server's requests and services run: each service
# commits, and its commit moves the generation on.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _shared_cache_on(settings):
    settings.GONGKAI_SHARED_CACHE = True
    shared_cache.forget()
    yield
    shared_cache.forget()


@pytest.fixture
def site(agency_factory):
    government = join(
        agency_factory(name="测试区人民政府", slug="government", kind=Agency.Kind.GOVERNMENT)
    )
    return update_site_identity(
        actor=None, system=True, site_name="旧的门户网站", government=government, phone="025-1"
    )


def test_the_frame_is_kept_between_requests(client, site):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert "旧的门户网站" in html
    assert not [q for q in queries.captured_queries if "agencies_siteidentity" in q["sql"]]


def test_a_new_site_identity_shows_on_the_next_page(client, site):
    client.get("/")
    update_site_identity(actor=None, system=True, site_name="新的门户网站", phone="025-2")
    html = client.get("/").content.decode()
    assert "新的门户网站" in html  # the header and the kept footer alike
    assert "旧的门户网站" not in html
    assert "025-2" in html and "025-1" not in html


def test_a_new_member_shows_on_the_home_page_and_the_directory_at_once(
    client, site, agency_factory
):
    client.get("/")
    client.get("/agencies/")
    join(agency_factory(name="新加入的单位", kind=Agency.Kind.DEPARTMENT))
    assert "新加入的单位" in client.get("/").content.decode()
    assert "新加入的单位" in client.get("/agencies/").content.decode()


def test_the_kept_frame_follows_the_visitor_s_language(client, site):
    chinese = client.get("/").content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").content.decode()
    footer_zh = chinese[chinese.index('<footer class="site-footer">') :]
    footer_en = english[english.index('<footer class="site-footer">') :]
    assert "Phone" in footer_en and "Phone" not in footer_zh
    assert 'lang="en"' in english
    assert re.search(r'aria-pressed="true">\s*English', english)
