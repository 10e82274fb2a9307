"""A visitor searches from the portal header and narrows the results by a facet."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_accessibility import site  # noqa: F401 - the published test site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_from_the_header_and_filters_by_a_facet(live_server, page, site):  # noqa: F811
    page.goto(live_server.url + "/")
    page.locator("#site-search-q").fill("就业")
    page.locator('form.site-search button[type="submit"]').click()

    page.wait_for_url(re.compile(r"/search/\?q="))
    titles = page.locator(".search-hit h3 a").all_inner_texts()
    assert "关于做好高校毕业生就业工作的通知" in titles
    assert "《测试区就业补助资金管理办法》政策解读" in titles
    assert page.locator(".search-hit mark").first.inner_text() == "就业"

    # Narrow to interpretations through the content-type facet.
    page.locator('.facet a[href*="type=interpretation"]').first.click()
    page.wait_for_url(re.compile(r"type=interpretation"))
    assert page.locator(".search-hit h3 a").all_inner_texts() == [
        "《测试区就业补助资金管理办法》政策解读"
    ]
    assert page.locator(".facet a.selected").count() == 1
