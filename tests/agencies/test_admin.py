"""The configuration admin saves through the services and follows the predicates."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity, StaffRole
from gongkai.agencies.services import update_site_identity
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:agencies_{model}_{view}", args=args)


@pytest.mark.parametrize("model", ["agency", "membershipchange", "staffrole", "siteidentity"])
def test_changelists_open_for_the_administrator(admin_client, agency, model):
    assert admin_client.get(url(model, "changelist")).status_code == 200


def test_agency_added_through_the_service(admin_client, admin_user, agency):
    response = admin_client.post(
        url("agency", "add"),
        {
            "name": "张店区教育局",
            "short_name": "区教育局",
            "slug": "education",
            "org_code": "11370303MB2800036K",
            "kind": "department",
            "parent": agency.pk,
            "sort_order": "30",
        },
    )

    assert response.status_code == 302
    created = Agency.objects.get(slug="education")
    assert created.parent == agency
    entry = AuditEntry.objects.get(action="agencies.create_agency")
    assert entry.actor == admin_user
    assert entry.agency_id == created.pk


def test_agency_changed_through_the_service(admin_client, admin_user, agency):
    response = admin_client.post(
        url("agency", "change", agency.pk),
        {
            "name": agency.name,
            "short_name": agency.short_name,
            "slug": agency.slug,
            "org_code": agency.org_code,
            "kind": agency.kind,
            "sort_order": "0",
            "phone": "0533-2869813",
        },
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.phone == "0533-2869813"
    entry = AuditEntry.objects.get(action="agencies.update_agency")
    assert entry.actor == admin_user
    assert entry.details["changed"] == {"phone": ["", "0533-2869813"]}


def test_agencies_are_not_deleted(admin_client, agency):
    assert admin_client.get(url("agency", "delete", agency.pk)).status_code == 403


def test_membership_change_added_through_the_service(admin_client, admin_user, agency):
    data = {"agency": agency.pk, "change": "joined", "date": "2014-03-10", "reason": "纳入"}

    assert admin_client.post(url("membershipchange", "add"), data).status_code == 302

    change = MembershipChange.objects.get()
    assert change.recorded_by == admin_user
    assert AuditEntry.objects.filter(action="agencies.record_membership_change").count() == 1

    data["date"] = "2014-04-01"
    response = admin_client.post(url("membershipchange", "add"), data)

    assert response.status_code == 200
    assert "在2014-04-01已是成员单位" in response.content.decode()  # "is already a member on"
    assert MembershipChange.objects.count() == 1


def test_membership_changes_are_never_changed_or_deleted(admin_client, agency):
    change = MembershipChange.objects.create(agency=agency, change="joined", date="2014-01-01")

    response = admin_client.post(
        url("membershipchange", "change", change.pk),
        {"agency": agency.pk, "change": "left", "date": "2014-01-01", "reason": ""},
    )

    assert response.status_code == 403
    assert admin_client.get(url("membershipchange", "delete", change.pk)).status_code == 403
    change.refresh_from_db()
    assert change.change == "joined"


def test_roles_granted_and_revoked_through_the_services(admin_client, agency, user_factory):
    user = user_factory()

    response = admin_client.post(
        url("staffrole", "add"), {"user": user.pk, "agency": agency.pk, "role": "editor"}
    )

    assert response.status_code == 302
    role = StaffRole.objects.get(user=user)
    assert AuditEntry.objects.filter(action="agencies.grant_role").count() == 1

    response = admin_client.post(url("staffrole", "delete", role.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not StaffRole.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="agencies.revoke_role").count() == 1


def test_bulk_delete_revokes_each_role(admin_client, staff_role_factory):
    roles = staff_role_factory.create_batch(2)

    response = admin_client.post(
        url("staffrole", "changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in roles], "post": "yes"},
    )

    assert response.status_code == 302
    assert not StaffRole.objects.exists()
    assert AuditEntry.objects.filter(action="agencies.revoke_role").count() == 2


def test_site_identity_is_a_single_row(admin_client, admin_user):
    response = admin_client.post(
        url("siteidentity", "add"), {"site_name": "张店区人民政府门户网站", "sponsor": "区政府办"}
    )

    assert response.status_code == 302
    assert SiteIdentity.objects.get().pk == 1
    assert AuditEntry.objects.get(action="agencies.update_site_identity").actor == admin_user
    assert admin_client.get(url("siteidentity", "add")).status_code == 403
    assert admin_client.get(url("siteidentity", "delete", 1)).status_code == 403


def test_office_staff_record_membership_but_do_not_configure(
    client, user_factory, staff_role_factory, agency
):
    office = user_factory(is_staff=True)
    staff_role_factory(user=office, agency=agency, role="office")
    update_site_identity(actor=None, system=True, site_name="站点")
    client.force_login(office)

    assert client.get(url("membershipchange", "add")).status_code == 200
    assert client.get(url("agency", "changelist")).status_code == 403
    assert client.get(url("staffrole", "add")).status_code == 403
    assert client.get(url("siteidentity", "change", 1)).status_code == 403


def test_editor_reaches_nothing(client, user_factory, staff_role_factory, agency):
    editor = user_factory(is_staff=True)
    staff_role_factory(user=editor, agency=agency, role="editor")
    client.force_login(editor)

    for model in ("agency", "membershipchange", "staffrole", "siteidentity"):
        assert client.get(url(model, "changelist")).status_code == 403, model
