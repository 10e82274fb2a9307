"""The admin's confirmation of deleting a user reads each related model once, not each row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries_of_delete_page(client, user) -> tuple[int, str]:
    url = reverse("admin:core_user_delete", args=[user.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_delete_page_does_not_read_each_related_row(client, admin_user):
    client.force_login(admin_user)
    one = UserFactory(username="one-role")
    StaffRoleFactory(user=one, agency=AgencyFactory(name="第一局"))
    many = UserFactory(username="many-roles")
    agencies = [AgencyFactory(name=f"测试局{n}") for n in range(8)]
    for agency in agencies:
        StaffRoleFactory(user=many, agency=agency, role=StaffRole.Role.REVIEWER)

    baseline, _html = _queries_of_delete_page(client, one)
    counted, html = _queries_of_delete_page(client, many)

    # StaffRole's name reads its user and agency: without the preloading each row cost two
    # queries; now eight roles cost what one does.
    assert counted == baseline
    for agency in agencies:
        assert agency.name in html  # every row is still listed by its name


def test_a_user_no_row_points_to_is_read_without_a_query_per_relation(client, admin_user):
    client.force_login(admin_user)
    alone = UserFactory(username="alone")
    counted, html = _queries_of_delete_page(client, alone)
    # Some sixty relations point to users; asking once which hold rows keeps the page small.
    assert counted <= 20
    assert str(alone) in html
