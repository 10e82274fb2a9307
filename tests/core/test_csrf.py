"""Issue 9, "Web": CSRF everywhere. Every public form refuses a valid submission that comes
without the form's CSRF token and changes nothing; no page of the site is exempt from the
check (only the read-only public API, which takes no cookie-authenticated writes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.fuzz.world import build_world, public_forms, ready_client, snapshot, today

pytestmark = pytest.mark.django_db


def test_every_public_form_refuses_a_submission_without_its_csrf_token():
    with today():
        world = build_world()
        forms = public_forms(world)
        assert len(forms) >= 10
        for form in forms:
            client = ready_client(form, world)
            client.handler.enforce_csrf_checks = True
            before = snapshot()

            response = client.post(form.url, form.data())

            assert response.status_code == 403, form.name
            assert snapshot() == before, form.name


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        else:
            yield route, entry


def test_no_page_is_exempt_from_the_csrf_check():
    exempt = [
        route
        for route, pattern in _patterns(get_resolver())
        if getattr(pattern.callback, "csrf_exempt", False)
    ]
    # django-ninja's operations are exempt: the public API is read-only (GET) and uses no
    # session for writes; everything else must be checked.
    assert [route for route in exempt if not route.startswith("api/")] == []
