"""Membership over time and the other shared queries about agencies."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from gongkai.agencies import selectors, services
from gongkai.agencies.models import Agency, MembershipChange, StaffRole

pytestmark = pytest.mark.django_db

JOINED = MembershipChange.Change.JOINED
LEFT = MembershipChange.Change.LEFT
D = datetime.date


def change(agency: Agency, what: str, date: datetime.date) -> MembershipChange:
    return services.record_membership_change(
        agency, actor=None, system=True, change=what, date=date, reason=""
    )


def members(date: datetime.date) -> set[Agency]:
    return set(selectors.members_on(date))


def test_members_on_follows_joins_and_leaves(agency_factory):
    a, b, never = agency_factory(), agency_factory(), agency_factory()
    change(a, JOINED, D(2014, 1, 1))
    change(a, LEFT, D(2014, 6, 30))
    change(a, JOINED, D(2014, 9, 1))
    change(b, JOINED, D(2014, 3, 1))

    assert members(D(2013, 12, 31)) == set()
    assert members(D(2014, 1, 1)) == {a}
    assert members(D(2014, 3, 1)) == {a, b}
    assert members(D(2014, 6, 29)) == {a, b}
    assert members(D(2014, 6, 30)) == {b}
    assert members(D(2014, 8, 31)) == {b}
    assert members(D(2014, 9, 1)) == {a, b}
    assert never not in members(D(2030, 1, 1))


def test_the_later_change_of_one_day_decides(agency):
    change(agency, JOINED, D(2014, 1, 1))
    change(agency, LEFT, D(2014, 5, 1))
    change(agency, JOINED, D(2014, 5, 1))

    assert members(D(2014, 5, 1)) == {agency}
    assert members(D(2014, 4, 30)) == {agency}


def test_members_on_is_one_query(agency_factory, django_assert_num_queries):
    for agency in agency_factory.create_batch(5):
        change(agency, JOINED, D(2014, 1, 1))

    with django_assert_num_queries(1):
        assert len(list(selectors.members_on(D(2014, 1, 1)))) == 5


def bulk_members(agency_factory, count: int, kind: str, date: datetime.date) -> list[Agency]:
    agencies = agency_factory.create_batch(count, kind=kind)
    MembershipChange.objects.bulk_create(
        MembershipChange(agency=agency, change=JOINED, date=date) for agency in agencies
    )
    return agencies


def test_membership_share_at_the_start_of_2014(agency_factory):
    start = D(2013, 12, 31)
    bulk_members(agency_factory, 26, Agency.Kind.PUBLIC_INSTITUTION, start)
    bulk_members(agency_factory, 41, Agency.Kind.DEPARTMENT, start)
    bulk_members(agency_factory, 12, Agency.Kind.TOWN, start)
    agency_factory(kind=Agency.Kind.PUBLIC_INSTITUTION)  # never a member

    share = selectors.membership_share(D(2014, 1, 1))

    assert share["members"] == 79
    assert share["public_institutions"] == 26
    assert share["public_institution_share"] == Decimal("32.91")
    assert share["by_kind"]["department"] == 41
    assert share["by_kind"]["town"] == 12
    assert share["by_kind"]["public_enterprise"] == 0
    assert set(share["by_kind"]) == set(Agency.Kind.values)
    assert share["date"] == D(2014, 1, 1)


def test_membership_share_follows_leaves(agency_factory):
    institutions = bulk_members(agency_factory, 2, Agency.Kind.PUBLIC_INSTITUTION, D(2014, 1, 1))
    bulk_members(agency_factory, 1, Agency.Kind.DEPARTMENT, D(2014, 1, 1))
    change(institutions[0], LEFT, D(2014, 7, 1))

    assert selectors.membership_share(D(2014, 6, 30))["public_institution_share"] == Decimal(
        "66.67"
    )
    after = selectors.membership_share(D(2014, 7, 1))
    assert after["members"] == 2
    assert after["public_institution_share"] == Decimal("50.00")


def test_membership_share_without_members_is_zero(agency):
    share = selectors.membership_share(D(2014, 1, 1))

    assert share["members"] == 0
    assert share["public_institution_share"] == Decimal("0.00")
    assert set(share["by_kind"].values()) == {0}


def test_membership_changes_between_includes_both_ends(agency_factory):
    a, b = agency_factory(), agency_factory()
    before = change(a, JOINED, D(2013, 12, 31))
    first = change(b, JOINED, D(2014, 1, 1))
    last = change(a, LEFT, D(2014, 12, 31))
    change(b, LEFT, D(2015, 1, 1))

    assert list(selectors.membership_changes_between(D(2014, 1, 1), D(2014, 12, 31))) == [
        first,
        last,
    ]
    assert before not in selectors.membership_changes_between(D(2014, 1, 1), D(2015, 1, 1))


def test_agencies_of_is_ordered_and_permission_bound(
    agency_factory, staff_role_factory, user_factory
):
    second = agency_factory(sort_order=20)
    first = agency_factory(sort_order=10)
    agency_factory(sort_order=5)
    user = user_factory()
    staff_role_factory(user=user, agency=second, role=StaffRole.Role.EDITOR)
    staff_role_factory(user=user, agency=first, role=StaffRole.Role.HANDLER)

    assert list(selectors.agencies_of(user)) == [first, second]
    assert not selectors.agencies_of(AnonymousUser()).exists()


def test_public_agencies_are_todays_members_in_order(agency_factory):
    late = agency_factory(sort_order=20)
    early = agency_factory(sort_order=10)
    gone = agency_factory(sort_order=0)
    change(late, JOINED, D(2014, 1, 1))
    change(early, JOINED, D(2014, 1, 1))
    change(gone, JOINED, D(2014, 1, 1))
    change(gone, LEFT, D(2014, 7, 1))

    with time_machine.travel(datetime.datetime(2014, 6, 30, 20, tzinfo=datetime.UTC)):
        # 2014-07-01 04:00 in Asia/Shanghai: the local date decides.
        assert list(selectors.public_agencies()) == [early, late]
    with time_machine.travel(datetime.datetime(2014, 6, 30, 12, tzinfo=datetime.UTC)):
        assert list(selectors.public_agencies()) == [gone, early, late]
    assert list(selectors.public_agencies(on=D(2013, 1, 1))) == []


def test_agency_by_slug_finds_members_and_former_members_only(agency, agency_factory):
    never_joined = agency_factory()
    change(agency, JOINED, D(2014, 1, 1))
    change(agency, LEFT, D(2015, 1, 1))

    assert selectors.agency_by_slug(agency.slug) == agency  # a former member keeps its page
    assert selectors.agency_by_slug(never_joined.slug) is None
    assert selectors.agency_by_slug("no-such-agency") is None


def test_site_identity_default_until_set():
    assert selectors.site_identity().site_name == "Gongkai"

    services.update_site_identity(actor=None, system=True, site_name="张店区人民政府门户网站")

    assert selectors.site_identity().site_name == "张店区人民政府门户网站"
