"""A person walks through the public home page and the staff sign-in and sign-out."""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.services import record_membership_change, update_site_identity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page, name: str) -> None:
    """Keep a picture of the page (``/tmp/<name>.png``) for a person to look at."""
    page.screenshot(path=str(Path(tempfile.gettempdir()) / f"{name}.png"), full_page=True)


@pytest.fixture
def site(agency_factory):
    government = agency_factory(
        name="测试区人民政府", slug="government", kind=Agency.Kind.GOVERNMENT
    )
    departments = [
        agency_factory(
            name=f"测试区第{n}局",
            functions="负责本行业管理。\n承办区政府交办的其他事项。",
            address=f"测试区政府路{n}号",
            postcode="210000",
            office_hours="工作日 8:30—12:00，13:30—17:30",
            phone=f"025-8765432{n}",
            email=f"bureau{n}@example.gov.cn",
            leader_name="张三",
            leader_title="副局长",
            contact_name="李四",
            contact_phone="025-87650000",
        )
        for n in range(1, 9)
    ]
    towns = [agency_factory(name=f"测试镇{n}", kind=Agency.Kind.TOWN) for n in range(1, 5)]
    for agency in [government, *departments, *towns]:
        record_membership_change(
            agency, actor=None, system=True, change="joined", date=datetime.date(2020, 1, 1)
        )
    return update_site_identity(
        actor=None,
        system=True,
        site_name="测试区人民政府门户网站",
        government=government,
        sponsor="测试区人民政府办公室",
        website_code="3201000001",
        icp_number="苏ICP备05000001号",
        public_security_number="苏公网安备32010002000001号",
        address="测试区政府路1号",
        postcode="210000",
        phone="025-12345678",
    )


def test_portal_home_renders(live_server, page, site):
    page.goto(live_server.url + "/")

    assert page.locator("h1").inner_text() == "测试区人民政府"
    assert page.locator("footer").get_by_text("3201000001").is_visible()
    screenshot(page, "portal-home")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "portal-home-phone")

    page.locator(".elder-toggle button").click()
    # the toggle is a form: wait for the page it leads to, not the one being left
    expect(page.locator("html")).to_have_class("elder-mode")
    screenshot(page, "portal-home-elder-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "portal-home-elder")


def test_visitor_finds_an_agency_through_the_directory(live_server, page, site):
    page.goto(live_server.url + "/")

    page.locator('a[href="/agencies/"]').first.click()
    page.wait_for_url(re.compile(r"/agencies/$"))
    page.get_by_role("link", name="测试区第3局").click()

    page.wait_for_url(re.compile(r"/agencies/[\w-]+/$"))
    assert page.locator("h1").inner_text() == "测试区第3局"
    screenshot(page, "portal-agency")


def test_staff_signs_in_and_out(live_server, page, site, staff_role_factory, password):
    role = staff_role_factory(agency=site.government, role=StaffRole.Role.EDITOR)

    page.goto(live_server.url + "/workbench/")
    assert "/workbench/sign-in/" in page.url
    page.locator('input[name="username"]').fill(role.user.username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form[action$="/sign-in/"] button[type="submit"]').click()

    page.wait_for_url(re.compile(r"/workbench/$"))
    assert page.locator("h1").inner_text() == "我的待办"  # "My queue"
    assert page.get_by_text("暂无待办事项").is_visible()  # "Nothing is waiting for you"
    assert page.get_by_text(site.government.name).first.is_visible()
    screenshot(page, "workbench-home")

    page.locator('form[action$="/sign-out/"] button').click()
    page.wait_for_url(re.compile(r"/workbench/sign-in/"))
    page.goto(live_server.url + "/workbench/")
    assert "/workbench/sign-in/" in page.url


def test_a_page_from_the_cache_renders_compressed_and_its_forms_work(
    live_server, page, site, settings
):
    """Chromium asks for gzip: the page is stored and sent in its gzip form (decision 0047),
    a second visitor gets it from the cache with a token of its own, and the toolbar's form
    posts with that token."""
    settings.GONGKAI_PAGE_CACHE = True
    first = page.goto(live_server.url + "/")
    assert first is not None
    assert (first.all_headers()["x-cache"], first.all_headers()["content-encoding"]) == (
        "MISS",
        "gzip",
    )
    other = page.context.browser.new_page()  # another visitor: no cookie, no copy
    try:
        answer = other.goto(live_server.url + "/")
        assert answer is not None
        headers = answer.all_headers()
        assert (headers["x-cache"], headers["content-encoding"]) == ("HIT", "gzip")
        assert other.locator("h1").inner_text() == "测试区人民政府"
        other.locator(".elder-toggle button").click()
        other.wait_for_load_state()
        assert other.locator("html").get_attribute("class") == "elder-mode"
    finally:
        other.close()
