"""The staff workbench's shell: sign-in, refusal, my queue, agency switcher, audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import StaffRole
from gongkai.core import audit
from gongkai.core.models import AuditEntry
from gongkai.workbench.queue import (
    QueueItem,
    queue_for,
    register_queue_source,
    unregister_queue_source,
)
from gongkai.workbench.session import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(staff_role_factory, agency):
    return staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user


@pytest.fixture
def office(staff_role_factory, agency):
    return staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user


def sign_in(client, user, password):
    return client.post(
        reverse("workbench:login"), {"username": user.username, "password": password}
    )


# --- sign-in and sign-out -------------------------------------------------------------------


def test_sign_in_page_renders(client):
    response = client.get(reverse("workbench:login"))

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_workbench_needs_sign_in(client):
    response = client.get(reverse("workbench:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


def test_staff_member_signs_in(client, editor, password):
    response = sign_in(client, editor, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")
    assert client.get(reverse("workbench:home")).status_code == 200


def test_wrong_password_is_refused(client, editor):
    response = sign_in(client, editor, "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_user_without_roles_is_refused_at_sign_in(client, user_factory, password):
    nobody = user_factory()

    response = sign_in(client, nobody, password)

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["no_role"]
    assert "未被授予角色" in response.content.decode()  # "holds no role in any agency"
    assert "_auth_user_id" not in client.session


def test_signed_in_user_without_roles_sees_a_refusal(client, user_factory):
    nobody = user_factory()
    client.force_login(nobody)

    response = client.get(reverse("workbench:home"))

    assert response.status_code == 403
    assert "未被授予角色" in response.content.decode()  # "holds no role in any agency"


def test_superuser_without_roles_may_use_the_workbench(client, user_factory):
    root = user_factory(is_superuser=True, is_staff=True)
    client.force_login(root)

    response = client.get(reverse("workbench:home"))

    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()


def test_sign_out_by_post(client, editor):
    client.force_login(editor)

    assert client.get(reverse("workbench:logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("workbench:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("workbench:home")).status_code == 302


# --- home: queue and roles ------------------------------------------------------------------


def test_home_shows_roles_and_an_honest_empty_queue(
    client, staff_role_factory, agency, other_agency
):
    role = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR)
    staff_role_factory(user=role.user, agency=other_agency, role=StaffRole.Role.REVIEWER)
    client.force_login(role.user)

    response = client.get(reverse("workbench:home"))

    html = response.content.decode()
    assert "暂无待办事项" in html  # "Nothing is waiting for you"
    assert agency.name in html and other_agency.name in html
    assert "信息员" in html and "审核人" in html  # editor, reviewer
    assert reverse("admin:index") not in html  # configuration is for administrators only
    assert reverse("workbench:audit") not in html  # the audit trail is for the office


def test_home_lists_items_from_registered_queue_sources(client, editor, agency):
    seen = []

    def source(user, current):
        seen.append((user, current))
        yield QueueItem(
            title="后到期", url="/later/", due=datetime.date(2099, 1, 2), state="s", kind="k"
        )
        yield QueueItem(
            title="已逾期", url="/late/", due=datetime.date(2000, 1, 1), state="s", kind="k"
        )

    register_queue_source(source)
    register_queue_source(source)  # twice: no duplicates
    try:
        client.force_login(editor)
        html = client.get(reverse("workbench:home")).content.decode()
    finally:
        unregister_queue_source(source)

    assert seen == [(editor, agency)]
    assert html.index("已逾期") < html.index("后到期")
    assert 'class="overdue"' in html
    assert "暂无待办事项" not in html
    assert queue_for(editor, agency) == []


# --- agency switcher ------------------------------------------------------------------------


def test_switch_to_an_agency_of_ones_own(client, staff_role_factory, agency, other_agency):
    role = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR)
    staff_role_factory(user=role.user, agency=other_agency, role=StaffRole.Role.HANDLER)
    client.force_login(role.user)
    home = client.get(reverse("workbench:home"))
    assert home.context["current_agency"] == agency
    assert 'name="agency"' in home.content.decode()

    response = client.post(
        reverse("workbench:switch_agency"),
        {"agency": other_agency.pk, "next": reverse("workbench:audit")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:audit")
    assert client.session[SESSION_KEY] == other_agency.pk
    assert client.get(reverse("workbench:home")).context["current_agency"] == other_agency


def test_switch_to_an_agency_not_ones_own_is_refused(client, editor, agency, other_agency):
    client.force_login(editor)
    session = client.session
    session[SESSION_KEY] = agency.pk
    session.save()

    response = client.post(reverse("workbench:switch_agency"), {"agency": other_agency.pk})

    assert response.status_code == 403
    assert client.session[SESSION_KEY] == agency.pk


def test_switch_with_garbage_is_refused(client, editor):
    client.force_login(editor)

    response = client.post(reverse("workbench:switch_agency"), {"agency": "x"})

    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_switch_refuses_an_unsafe_next(client, office, other_agency):
    client.force_login(office)

    response = client.post(
        reverse("workbench:switch_agency"),
        {"agency": other_agency.pk, "next": "https://evil.example.com/"},
    )

    assert response["Location"] == reverse("workbench:home")


def test_office_may_switch_to_any_agency(client, office, other_agency):
    client.force_login(office)

    response = client.post(reverse("workbench:switch_agency"), {"agency": other_agency.pk})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == other_agency.pk


def test_a_stale_session_agency_is_not_trusted(client, editor, agency, other_agency):
    client.force_login(editor)
    session = client.session
    session[SESSION_KEY] = other_agency.pk  # e.g. the role there was revoked since
    session.save()

    response = client.get(reverse("workbench:home"))

    assert response.context["current_agency"] == agency


# --- audit trail ----------------------------------------------------------------------------


def test_audit_trail_is_refused_to_an_editor(client, editor):
    client.force_login(editor)

    response = client.get(reverse("workbench:audit"))

    assert response.status_code == 403
    assert 'class="error-page"' in response.content.decode()


def test_audit_trail_is_shown_to_the_office(client, office, agency, editor):
    audit.record("agencies.grant_role", actor=office, obj=agency, agency_id=agency.pk)
    client.force_login(office)

    response = client.get(reverse("workbench:audit"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "agencies.grant_role" in html
    assert agency.name in html
    assert reverse("workbench:audit") in html  # in the navigation


@pytest.fixture
def entries(office, editor, agency):
    audit.record("agencies.grant_role", actor=office, obj=agency, agency_id=agency.pk)
    audit.record("catalogue.publish_document", actor=editor, obj=agency)
    audit.record(
        "personal_data.read", actor=editor, obj=editor, kind=AuditEntry.Kind.READ, agency_id=None
    )
    old = AuditEntry.objects.create(
        created_at=timezone.make_aware(datetime.datetime(2020, 5, 1, 23, 30)),
        actor=office,
        actor_name=office.username,
        action="agencies.record_membership_change",
        object_type="agencies.membershipchange",
    )
    return old


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "grant"}, {"agencies.grant_role"}),
        ({"kind": "read"}, {"personal_data.read"}),
        # force_login's sign-in is itself audited against the user who signed in
        ({"object_type": "core.user"}, {"personal_data.read", "auth.sign_in"}),
        (
            {"date_from": "2020-05-01", "date_to": "2020-05-01"},
            {"agencies.record_membership_change"},
        ),
        ({"date_to": "2020-04-30"}, set()),
    ],
)
def test_audit_trail_filters(client, office, entries, params, expected):
    client.force_login(office)

    response = client.get(reverse("workbench:audit"), params)

    assert response.status_code == 200
    assert {entry.action for entry, _ in response.context["rows"]} == expected


def test_audit_trail_filters_by_actor(client, office, editor, entries):
    client.force_login(office)

    response = client.get(reverse("workbench:audit"), {"actor": editor.username})

    assert {entry.actor_name for entry, _ in response.context["rows"]} == {editor.username}
    assert len(response.context["rows"]) == 2


def test_audit_trail_rejects_a_reversed_date_range(client, office, entries):
    client.force_login(office)

    response = client.get(
        reverse("workbench:audit"), {"date_from": "2021-01-02", "date_to": "2021-01-01"}
    )

    assert response.context["rows"] == []
    assert "起始日期晚于截止日期。" in response.content.decode()


def test_audit_trail_is_paginated_with_bounded_queries(
    client, office, agency_factory, django_assert_max_num_queries
):
    for n in range(60):
        target = agency_factory()
        audit.record(f"test.action_{n}", actor=office, obj=target, agency_id=target.pk)
    client.force_login(office)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("workbench:audit"))

    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    second = client.get(reverse("workbench:audit"), {"page": 2, "action": "test."})
    assert len(second.context["rows"]) == 10
    assert "action=test." in second.content.decode()  # the filters survive paging
