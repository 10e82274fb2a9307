"""A request looks a user's roles up once, however many checks its pages make."""

import pytest
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import has_role, roles_of
from gongkai.agencies.services import grant_role
from gongkai.core.context import request_memo


@pytest.mark.django_db
def test_roles_are_queried_once_per_request(user_factory, agency, django_assert_num_queries):
    user = user_factory()
    StaffRole.objects.create(user=user, agency=agency, role=StaffRole.Role.EDITOR)
    token = request_memo.set({})
    try:
        with django_assert_num_queries(1):
            for _ in range(5):
                assert has_role(user, agency, StaffRole.Role.EDITOR)
    finally:
        request_memo.reset(token)


@pytest.mark.django_db
def test_a_grant_within_the_request_is_seen_at_once(user_factory, agency):
    admin = user_factory(is_superuser=True)
    user = user_factory()
    token = request_memo.set({})
    try:
        assert roles_of(user, agency) == set()
        grant_role(user, agency=agency, role=StaffRole.Role.REVIEWER, actor=admin)
        assert roles_of(user, agency) == {"reviewer"}
    finally:
        request_memo.reset(token)


@pytest.mark.django_db
def test_outside_a_request_nothing_is_memoised(user_factory, agency):
    user = user_factory()
    assert roles_of(user, agency) == set()
    StaffRole.objects.create(user=user, agency=agency, role=StaffRole.Role.EDITOR)
    assert roles_of(user, agency) == {"editor"}


@pytest.mark.django_db
def test_workbench_pages_do_not_repeat_role_queries(client, user_factory, agency):
    user = user_factory()
    StaffRole.objects.create(user=user, agency=agency, role=StaffRole.Role.OFFICE)
    client.force_login(user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workbench:home")).status_code == 200
    role_queries = [q["sql"] for q in queries.captured_queries if "agencies_staffrole" in q["sql"]]
    # one memoised role look-up, the roles-by-agency listing and the agency switcher's choice:
    # not one per navigation entry and permission check
    assert len(role_queries) <= 3, role_queries
