"""No page breaks its own Content-Security-Policy in a real browser (issue 9, "Web"): each
page is opened in chromium with a listener for ``securitypolicyviolation`` events installed
before any script runs, and none may fire — the charts, the search box, the elder mode and
the workbench's scripts all load from the site and touch no inline style or script."""

from __future__ import annotations

import pytest

from tests.browser.test_catalogue_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""
PUBLIC = ["/", "/search/?q=低保", "/interaction/", "/key-tasks/", "/performance/", "/scorecards/"]
STAFF = ["/workbench/", "/workbench/catalogue/", "/workbench/requests/", "/admin/"]


def _violations(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


def test_public_and_staff_pages_raise_no_violation(
    live_server, page, staff_role_factory, agency, password
):
    from gongkai.agencies.models import StaffRole

    page.add_init_script(LISTEN)
    base = live_server.url
    found = {path: _violations(page, base + path) for path in PUBLIC}
    office = staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user
    office.is_staff = office.is_superuser = True
    office.save()
    sign_in(page, base, office, password)
    found |= {path: _violations(page, base + path) for path in STAFF}
    assert {path: v for path, v in found.items() if v} == {}

    # The listener does hear a violation: an inline style set by a script is refused.
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__violations")[0].startswith("style-src")
