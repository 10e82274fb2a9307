"""A citizen walks through the account pages in Chromium: signs up, confirms the address from
the mail, signs in from the header, finds an application under "my applications", opens it
without the query code and signs out — and the pages pass the accessibility scan."""

from __future__ import annotations

import datetime

import pytest

from gongkai.citizens.models import CitizenAccount
from tests.browser.conftest import seeded_reference_data  # noqa: F401 - the reseeding fixture
from tests.browser.test_accessibility import AXE, VIEWPORTS, describe, scan
from tests.citizens.conftest import PASSWORD, link_in, mails, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 9, 1)


def test_sign_up_confirm_sign_in_and_open_an_application(live_server, page, member):
    page.context.add_init_script(path=str(AXE))
    page.context.add_cookies([{"name": "gongkai_language", "value": "en", "url": live_server.url}])
    found: list[str] = []

    def check(label: str) -> None:
        for viewport in VIEWPORTS.values():
            page.set_viewport_size(viewport)
            found.extend(describe(label, violation) for violation in scan(page))
        page.set_viewport_size(VIEWPORTS["desktop"])

    # From the header of any page to the sign-up form.
    page.goto(live_server.url + "/")
    # A click only starts the navigation: scanning before the next page has arrived would
    # run axe over a document being replaced.
    page.get_by_role("link", name="Sign in / my applications").click()
    page.wait_for_url("**/account/sign-in/**")
    page.wait_for_load_state()
    check("sign in")
    page.get_by_role("link", name="Create an account").first.click()
    page.locator("#id_password_again").wait_for()
    page.wait_for_load_state()
    check("sign up")
    page.locator("#id_email").fill("li.hua@example.cn")
    page.locator("#id_display_name").fill("李华")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("heading", name="Check your mailbox").wait_for()
    check("sign-up sent")

    account = CitizenAccount.objects.get()
    request, _code = submitted(member, DAY, citizen=account)

    # The link in the mail, then the button on its page.
    page.goto(live_server.url + link_in(mails("verify")[-1], "verify"))
    check("confirm")
    page.get_by_role("button", name="Confirm my e-mail address").click()
    page.get_by_text("Your e-mail address is confirmed").wait_for()

    page.locator("#id_email").fill("li.hua@example.cn")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My applications").wait_for()
    check("my applications")

    page.get_by_role("link", name=request.number).click()
    page.get_by_role("heading", name=f"Application {request.number}").wait_for()
    assert "2024年城乡最低生活保障资金发放明细" in page.content()

    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.get_by_text("You have signed out.").wait_for()
    page.goto(live_server.url + f"/apply/status/{request.number}/")
    page.get_by_role("heading", name="Follow your application").wait_for()

    assert not found, "\n" + "\n".join(found)
