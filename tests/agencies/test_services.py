"""Every change to agencies goes through a service: permission, validation, audit entry."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gongkai.agencies import services
from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity, StaffRole
from gongkai.agencies.services import AgencyError, AgencyPermissionDenied
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db

Role = StaffRole.Role
JOINED = MembershipChange.Change.JOINED
LEFT = MembershipChange.Change.LEFT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def general_office(agency_factory):
    return agency_factory(name="测试区人民政府办公室", kind=Agency.Kind.GENERAL_OFFICE)


@pytest.fixture
def administrator(staff_role_factory, general_office):
    return staff_role_factory(agency=general_office, role=Role.ADMINISTRATOR).user


@pytest.fixture
def office(staff_role_factory, general_office):
    return staff_role_factory(agency=general_office, role=Role.OFFICE).user


@pytest.fixture
def editor(staff_role_factory, agency):
    return staff_role_factory(agency=agency, role=Role.EDITOR).user


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


def snapshot(instance) -> dict:
    instance.refresh_from_db()
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_permission_denied_is_an_agency_error_and_a_permission_denied():
    assert issubclass(AgencyPermissionDenied, AgencyError)
    assert issubclass(AgencyPermissionDenied, PermissionDenied)
    assert issubclass(AgencyError, ValueError)


# --- create_agency -----------------------------------------------------------------------


def test_administrator_creates_an_agency(administrator, general_office):
    agency = services.create_agency(
        actor=administrator,
        name="测试区教育局",
        short_name="区教育局",
        slug="education",
        org_code="11370303MB2800036K",
        kind=Agency.Kind.DEPARTMENT,
        parent=general_office,
        phone="0533-2820526",
    )

    assert agency.pk is not None
    assert Agency.objects.get(slug="education").parent == general_office
    entry = entries("agencies.create_agency").get()
    assert entry.actor == administrator
    assert entry.agency_id == agency.pk
    assert entry.object_id == str(agency.pk)
    assert entry.details["fields"]["parent"] == general_office.pk
    assert entry.details["fields"]["name"] == "测试区教育局"


@pytest.mark.parametrize("who", ["office", "editor"])
def test_only_administrators_create_agencies(request, who):
    actor = request.getfixturevalue(who)
    before = Agency.objects.count()

    with pytest.raises(AgencyPermissionDenied, match="not allowed"):
        services.create_agency(
            actor=actor, name="新局", slug="new", org_code="123456789", kind="department"
        )

    assert Agency.objects.count() == before
    assert not entries("agencies.create_agency").exists()


def test_no_actor_without_system_is_refused():
    with pytest.raises(AgencyPermissionDenied):
        services.create_agency(actor=None, name="新局", slug="new", org_code="1", kind="department")

    assert not Agency.objects.exists()
    assert not AuditEntry.objects.exists()


def test_system_creates_without_an_actor():
    agency = services.create_agency(
        actor=None, system=True, name="新局", slug="new", org_code="123456789", kind="department"
    )

    entry = entries("agencies.create_agency").get()
    assert entry.actor is None
    assert entry.agency_id == agency.pk


def test_system_action_with_an_actor_is_refused(administrator):
    with pytest.raises(AgencyError, match="must not name an acting person"):
        services.create_agency(
            actor=administrator,
            system=True,
            name="新局",
            slug="new",
            org_code="123456789",
            kind="department",
        )

    assert not Agency.objects.filter(slug="new").exists()


def test_create_agency_validates(administrator, agency):
    before = Agency.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.create_agency(
            actor=administrator, name="新局", slug=agency.slug, org_code="9", kind="nonsense"
        )

    assert {"slug", "kind"} <= set(raised.value.message_dict)
    assert Agency.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_create_agency_refuses_unknown_fields(administrator):
    with pytest.raises(AgencyError, match="Unknown fields: colour"):
        services.create_agency(
            actor=administrator, name="新局", slug="n", org_code="1", kind="town", colour="red"
        )


# --- update_agency -----------------------------------------------------------------------


def test_administrator_updates_guide_fields(administrator, agency):
    updated = services.update_agency(
        agency, actor=administrator, phone="0533-2869813", leader_name="王文华"
    )

    assert updated is agency
    assert agency.phone == "0533-2869813"
    agency.refresh_from_db()
    assert agency.leader_name == "王文华"
    entry = entries("agencies.update_agency").get()
    assert entry.actor == administrator
    assert entry.agency_id == agency.pk
    assert entry.details["changed"] == {
        "phone": ["", "0533-2869813"],
        "leader_name": ["", "王文华"],
    }


def test_update_without_a_difference_writes_nothing(administrator, agency):
    services.update_agency(agency, actor=administrator, name=agency.name)

    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["office", "editor"])
def test_only_administrators_update_agencies(request, who, agency):
    actor = request.getfixturevalue(who)
    before = snapshot(agency)

    with pytest.raises(AgencyPermissionDenied):
        services.update_agency(agency, actor=actor, name="改名", phone="110")

    assert snapshot(agency) == before
    assert agency.name != "改名"
    assert not AuditEntry.objects.exists()


def test_update_agency_validates_and_changes_nothing(administrator, agency, other_agency):
    before = snapshot(agency)

    with pytest.raises(ValidationError):
        services.update_agency(agency, actor=administrator, slug=other_agency.slug)

    assert snapshot(agency) == before
    assert not AuditEntry.objects.exists()


def test_agency_cannot_be_placed_below_its_own_child(administrator, agency, agency_factory):
    child = agency_factory(parent=agency)
    grandchild = agency_factory(parent=child)

    with pytest.raises(AgencyError, match="below itself"):
        services.update_agency(agency, actor=administrator, parent=grandchild)

    agency.refresh_from_db()
    assert agency.parent is None
    assert not AuditEntry.objects.exists()


# --- record_membership_change ------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "administrator"])
def test_office_and_administrators_record_membership(request, who, agency):
    actor = request.getfixturevalue(who)

    change = services.record_membership_change(
        agency, actor=actor, change=JOINED, date=datetime.date(2014, 3, 10), reason="纳入"
    )

    assert change.recorded_by == actor
    assert MembershipChange.objects.get() == change
    entry = entries("agencies.record_membership_change").get()
    assert entry.actor == actor
    assert entry.agency_id == agency.pk
    assert entry.details == {"change": "joined", "date": "2014-03-10", "reason": "纳入"}


def test_editor_may_not_record_membership(editor, agency):
    with pytest.raises(AgencyPermissionDenied):
        services.record_membership_change(
            agency, actor=editor, change=JOINED, date=datetime.date(2014, 1, 1), reason=""
        )

    assert not MembershipChange.objects.exists()
    assert not AuditEntry.objects.exists()


def join(agency, date, actor):
    return services.record_membership_change(
        agency, actor=actor, change=JOINED, date=date, reason=""
    )


def test_joining_twice_is_refused(office, agency):
    join(agency, datetime.date(2014, 1, 1), office)

    with pytest.raises(AgencyError, match="is already a member on 2014-06-01"):
        join(agency, datetime.date(2014, 6, 1), office)

    assert MembershipChange.objects.count() == 1
    assert entries("agencies.record_membership_change").count() == 1


def test_leaving_without_being_a_member_is_refused(office, agency):
    with pytest.raises(AgencyError, match="is not a member on 2014-06-01"):
        services.record_membership_change(
            agency, actor=office, change=LEFT, date=datetime.date(2014, 6, 1), reason=""
        )

    assert not MembershipChange.objects.exists()
    assert not AuditEntry.objects.exists()


def test_leaving_twice_is_refused(office, agency):
    join(agency, datetime.date(2014, 1, 1), office)
    services.record_membership_change(
        agency, actor=office, change=LEFT, date=datetime.date(2014, 7, 1), reason="撤销"
    )

    with pytest.raises(AgencyError, match="not a member"):
        services.record_membership_change(
            agency, actor=office, change=LEFT, date=datetime.date(2014, 8, 1), reason=""
        )

    assert MembershipChange.objects.count() == 2


def test_change_dated_before_the_last_change_is_refused(office, agency):
    join(agency, datetime.date(2014, 7, 1), office)

    with pytest.raises(AgencyError, match=r"cannot be dated before .*\(2014-07-01\)"):
        services.record_membership_change(
            agency, actor=office, change=LEFT, date=datetime.date(2014, 6, 30), reason=""
        )

    assert MembershipChange.objects.count() == 1


def test_leave_and_rejoin(office, agency):
    join(agency, datetime.date(2014, 1, 1), office)
    services.record_membership_change(
        agency, actor=office, change=LEFT, date=datetime.date(2014, 7, 1), reason=""
    )
    join(agency, datetime.date(2014, 7, 1), office)

    assert list(agency.membership_changes.order_by("id").values_list("change", flat=True)) == [
        "joined",
        "left",
        "joined",
    ]


def test_unknown_change_is_refused(office, agency):
    with pytest.raises(AgencyError, match="Unknown membership change"):
        services.record_membership_change(
            agency, actor=office, change="paused", date=datetime.date(2014, 1, 1), reason=""
        )


def test_membership_is_dated_with_a_day(office, agency):
    when = datetime.datetime(2014, 1, 1, 9, tzinfo=datetime.UTC)

    with pytest.raises(AgencyError, match="not a time"):
        services.record_membership_change(agency, actor=office, change=JOINED, date=when)

    assert not MembershipChange.objects.exists()


# --- grant_role / revoke_role ------------------------------------------------------------


def test_administrator_grants_a_role(administrator, agency, user_factory):
    user = user_factory()

    role = services.grant_role(user, agency=agency, role=Role.REVIEWER, actor=administrator)

    assert role.granted_by == administrator
    assert StaffRole.objects.filter(user=user, agency=agency, role="reviewer").exists()
    entry = entries("agencies.grant_role").get()
    assert entry.actor == administrator
    assert entry.agency_id == agency.pk
    assert entry.details == {"user_id": user.pk, "username": user.username, "role": "reviewer"}


@pytest.mark.parametrize("who", ["office", "editor"])
def test_only_administrators_grant_roles(request, who, agency, user_factory):
    actor = request.getfixturevalue(who)
    user = user_factory()
    before = StaffRole.objects.count()

    with pytest.raises(AgencyPermissionDenied):
        services.grant_role(user, agency=agency, role=Role.EDITOR, actor=actor)

    assert StaffRole.objects.count() == before
    assert not StaffRole.objects.filter(user=user).exists()
    assert not AuditEntry.objects.exists()


def test_granting_a_held_role_again_is_refused(administrator, editor, agency):
    with pytest.raises(AgencyError, match="already holds the role editor"):
        services.grant_role(editor, agency=agency, role=Role.EDITOR, actor=administrator)

    assert StaffRole.objects.filter(user=editor).count() == 1
    assert not AuditEntry.objects.exists()


def test_granting_an_unknown_role_is_refused(administrator, agency, user_factory):
    with pytest.raises(AgencyError, match="Unknown role: mayor"):
        services.grant_role(user_factory(), agency=agency, role="mayor", actor=administrator)


def test_administrator_revokes_a_role(administrator, editor, agency):
    services.revoke_role(editor, agency=agency, role=Role.EDITOR, actor=administrator)

    assert not StaffRole.objects.filter(user=editor).exists()
    entry = entries("agencies.revoke_role").get()
    assert entry.actor == administrator
    assert entry.agency_id == agency.pk
    assert entry.details["role"] == "editor"


def test_revoking_a_role_not_held_is_refused(administrator, editor, other_agency):
    with pytest.raises(AgencyError, match="does not hold that role"):
        services.revoke_role(editor, agency=other_agency, role=Role.EDITOR, actor=administrator)

    assert StaffRole.objects.filter(user=editor).count() == 1


def test_office_may_not_revoke_roles(office, editor, agency):
    with pytest.raises(AgencyPermissionDenied):
        services.revoke_role(editor, agency=agency, role=Role.EDITOR, actor=office)

    assert StaffRole.objects.filter(user=editor, agency=agency, role="editor").exists()
    assert not AuditEntry.objects.exists()


def test_revoked_role_no_longer_grants_access(administrator, editor, agency):
    from gongkai.agencies.permissions import agencies_visible_to

    services.revoke_role(editor, agency=agency, role=Role.EDITOR, actor=administrator)

    assert not agencies_visible_to(editor).exists()


# --- update_site_identity ----------------------------------------------------------------


def test_administrator_sets_the_site_identity(administrator, agency):
    identity = services.update_site_identity(
        actor=administrator,
        site_name="张店区人民政府门户网站",
        government=agency,
        website_code="3703030001",
    )

    assert identity.pk == 1
    stored = SiteIdentity.objects.get()
    assert stored.site_name == "张店区人民政府门户网站"
    assert stored.government == agency
    entry = entries("agencies.update_site_identity").get()
    assert entry.actor == administrator
    assert entry.details["changed"]["website_code"] == ["", "3703030001"]

    services.update_site_identity(actor=administrator, phone="0533-2869813")
    services.update_site_identity(actor=administrator, phone="0533-2869813")

    assert SiteIdentity.objects.get().phone == "0533-2869813"
    assert SiteIdentity.objects.get().site_name == "张店区人民政府门户网站"
    assert entries("agencies.update_site_identity").count() == 2


def test_site_identity_needs_a_name(administrator):
    with pytest.raises(ValidationError):
        services.update_site_identity(actor=administrator, sponsor="区政府办公室")

    assert not SiteIdentity.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["office", "editor"])
def test_only_administrators_set_the_site_identity(request, who):
    actor = request.getfixturevalue(who)
    services.update_site_identity(actor=None, system=True, site_name="原名")
    before = snapshot(SiteIdentity.objects.get())

    with pytest.raises(AgencyPermissionDenied):
        services.update_site_identity(actor=actor, site_name="新名")

    assert snapshot(SiteIdentity.objects.get()) == before
    assert entries("agencies.update_site_identity").count() == 1
