"""Who may do what: the predicates and the querysets every list goes through."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gongkai.agencies import permissions
from gongkai.agencies.models import Agency, StaffRole
from gongkai.core import audit
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db

Role = StaffRole.Role


@pytest.fixture
def grant(staff_role_factory, user_factory):
    def grant(agency: Agency, role: str, user=None):
        user = user or user_factory()
        staff_role_factory(user=user, agency=agency, role=role)
        return user

    return grant


@pytest.fixture
def editor(grant, agency):
    return grant(agency, Role.EDITOR)


@pytest.fixture
def office(grant, agency_factory):
    return grant(agency_factory(kind=Agency.Kind.GENERAL_OFFICE), Role.OFFICE)


@pytest.fixture
def administrator(grant, agency_factory):
    return grant(agency_factory(kind=Agency.Kind.GENERAL_OFFICE), Role.ADMINISTRATOR)


@pytest.fixture
def superuser(user_factory):
    return user_factory(is_superuser=True, is_staff=True)


PREDICATES_WITHOUT_AGENCY = [
    permissions.is_office,
    permissions.is_administrator,
    permissions.can_record_membership,
    permissions.can_edit_site_identity,
    permissions.can_view_audit_trail,
]


def test_anonymous_user_gets_nothing(agency):
    anonymous = AnonymousUser()

    assert permissions.roles_of(anonymous) == set()
    assert permissions.roles_of(anonymous, agency) == set()
    assert not permissions.has_role(anonymous, agency)
    assert not permissions.can_manage_agency(anonymous, agency)
    assert not permissions.can_grant_role(anonymous, agency)
    for predicate in PREDICATES_WITHOUT_AGENCY:
        assert not predicate(anonymous), predicate.__name__
    assert not permissions.agencies_visible_to(anonymous).exists()
    assert not permissions.audit_entries_visible_to(anonymous).exists()
    assert not permissions.staff_visible_to(anonymous).exists()


def test_none_user_gets_nothing(agency):
    assert permissions.roles_of(None, agency) == set()
    assert not permissions.agencies_visible_to(None).exists()
    assert not permissions.is_administrator(None)


def test_inactive_user_gets_nothing_even_with_the_office_role(office, agency):
    audit.record("test.action", actor=None)
    office.is_active = False
    office.save(update_fields=["is_active"])

    assert permissions.roles_of(office) == set()
    assert not permissions.is_office(office)
    assert not permissions.can_view_audit_trail(office)
    assert not permissions.agencies_visible_to(office).exists()
    assert not permissions.audit_entries_visible_to(office).exists()
    assert not permissions.staff_visible_to(office).exists()


def test_inactive_superuser_is_no_administrator(superuser):
    superuser.is_active = False
    superuser.save(update_fields=["is_active"])

    assert not permissions.is_administrator(superuser)


def test_roles_of_an_editor_are_limited_to_the_agency(editor, agency, other_agency):
    assert permissions.roles_of(editor, agency) == {"editor"}
    assert permissions.roles_of(editor, other_agency) == set()
    assert permissions.roles_of(editor) == {"editor"}


def test_roles_at_several_agencies(grant, agency, other_agency):
    user = grant(agency, Role.EDITOR)
    grant(agency, Role.REVIEWER, user=user)
    grant(other_agency, Role.HANDLER, user=user)

    assert permissions.roles_of(user, agency) == {"editor", "reviewer"}
    assert permissions.roles_of(user, other_agency) == {"handler"}
    assert permissions.roles_of(user) == {"editor", "reviewer", "handler"}


def test_has_role(editor, agency, other_agency):
    assert permissions.has_role(editor, agency)
    assert permissions.has_role(editor, agency, Role.EDITOR)
    assert permissions.has_role(editor, agency, Role.REVIEWER, Role.EDITOR)
    assert not permissions.has_role(editor, agency, Role.REVIEWER)
    assert not permissions.has_role(editor, other_agency)
    assert not permissions.has_role(editor, other_agency, Role.EDITOR)


def test_office_and_administrator_roles_reach_every_agency(office, administrator, other_agency):
    assert permissions.has_role(office, other_agency, Role.OFFICE)
    assert not permissions.has_role(office, other_agency, Role.EDITOR)
    assert permissions.has_role(administrator, other_agency, Role.ADMINISTRATOR)
    assert permissions.roles_of(office, other_agency) == {"office"}


def test_superuser_holds_the_administrator_role_implicitly(superuser, agency):
    assert permissions.roles_of(superuser, agency) == {"administrator"}
    assert permissions.has_role(superuser, agency, Role.ADMINISTRATOR)
    assert permissions.is_administrator(superuser)
    assert not permissions.is_office(superuser)


def test_is_office(office, administrator, editor):
    assert permissions.is_office(office)
    assert not permissions.is_office(administrator)
    assert not permissions.is_office(editor)


def test_is_administrator(office, administrator, editor, superuser):
    assert permissions.is_administrator(administrator)
    assert permissions.is_administrator(superuser)
    assert not permissions.is_administrator(office)
    assert not permissions.is_administrator(editor)


def test_office_and_administrators_see_every_agency(office, administrator, superuser, agency):
    every = set(Agency.objects.values_list("pk", flat=True))
    assert len(every) >= 3

    for user in (office, administrator, superuser):
        assert set(permissions.agencies_visible_to(user).values_list("pk", flat=True)) == every


def test_editor_of_one_agency_cannot_see_another(editor, agency, other_agency):
    visible = permissions.agencies_visible_to(editor)

    assert list(visible) == [agency]
    assert not visible.filter(pk=other_agency.pk).exists()


def test_several_roles_at_one_agency_list_it_once(grant, agency):
    user = grant(agency, Role.EDITOR)
    grant(agency, Role.REVIEWER, user=user)

    assert list(permissions.agencies_visible_to(user)) == [agency]


def test_user_without_roles_sees_no_agency(user_factory, agency):
    assert not permissions.agencies_visible_to(user_factory()).exists()


@pytest.mark.parametrize(
    ("who", "manage", "membership", "grant_roles", "site", "audit_trail"),
    [
        ("administrator", True, True, True, True, True),
        ("superuser", True, True, True, True, True),
        ("office", False, True, False, False, True),
        ("editor", False, False, False, False, False),
    ],
)
def test_configuration_predicates(
    request, agency, who, manage, membership, grant_roles, site, audit_trail
):
    user = request.getfixturevalue(who)

    assert permissions.can_manage_agency(user, agency) is manage
    assert permissions.can_manage_agency(user) is manage
    assert permissions.can_record_membership(user) is membership
    assert permissions.can_grant_role(user, agency) is grant_roles
    assert permissions.can_edit_site_identity(user) is site
    assert permissions.can_view_audit_trail(user) is audit_trail


def test_audit_entries_visible_to_office_and_administrators_only(office, administrator, editor):
    entry = audit.record("test.action", actor=editor)

    assert list(permissions.audit_entries_visible_to(office)) == [entry]
    assert list(permissions.audit_entries_visible_to(administrator)) == [entry]
    assert not permissions.audit_entries_visible_to(editor).exists()
    assert AuditEntry.objects.count() == 1


def test_staff_visible_to_administrator_is_everyone(administrator, editor, user_factory):
    roleless = user_factory()

    visible = permissions.staff_visible_to(administrator)

    assert {administrator, editor, roleless} <= set(visible)


def test_staff_visible_to_office_is_everyone_with_a_role(office, editor, grant, other_agency):
    colleague_elsewhere = grant(other_agency, Role.HANDLER)
    roleless = office.__class__.objects.create(username="roleless")

    visible = set(permissions.staff_visible_to(office))

    assert {office, editor, colleague_elsewhere} <= visible
    assert roleless not in visible


def test_staff_visible_to_editor_is_their_own_agencys_staff(grant, agency, other_agency, office):
    editor = grant(agency, Role.EDITOR)
    reviewer = grant(agency, Role.REVIEWER)
    elsewhere = grant(other_agency, Role.EDITOR)

    visible = set(permissions.staff_visible_to(editor))

    assert visible == {editor, reviewer}
    assert elsewhere not in visible
    assert office not in visible
