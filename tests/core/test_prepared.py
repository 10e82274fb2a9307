"""Querysets compiled once a connection (gongkai.core.prepared; issue 10, the document page).

A prepared query must give what evaluating its queryset gives — the same instances with their
related objects and annotations, the same tuples — with one query and without building the
queryset again; and whatever it cannot put into its compiled SQL it must leave to Django.
"""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency, StaffRole
from gongkai.core import prepared
from gongkai.core.db_router import forget_unreachable, replica_reads
from gongkai.core.prepared import INT_LIST, PreparedQuery, PreparedQueryError
from tests.conftest import TEST_REPLICA

pytestmark = pytest.mark.django_db


class Built:
    """A ``build`` function that counts its calls."""

    def __init__(self, build):
        self.build = build
        self.calls = 0
        self.__module__ = build.__module__
        self.__qualname__ = build.__qualname__

    def __call__(self, *values):
        self.calls += 1
        return self.build(*values)


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def _roles(user_id: int):
    return (
        StaffRole.objects.filter(user_id=user_id)
        .select_related("agency", "agency__parent", "user", "granted_by")
        .annotate(agency_name_again=F("agency__name"))
    )


def test_model_instances_with_related_objects_and_annotations_as_the_queryset_gives_them(
    staff_role_factory, agency_factory, django_assert_num_queries
):
    parent = agency_factory()
    role = staff_role_factory(agency=agency_factory(parent=parent))
    staff_role_factory(user=role.user, role=StaffRole.Role.REVIEWER)  # an agency without parent
    staff_role_factory()  # someone else's
    query = PreparedQuery[StaffRole](_roles, int)

    expected = list(_roles(role.user_id))
    with django_assert_num_queries(1):
        found = query(role.user_id)
    with django_assert_num_queries(0):  # the related objects came with the row
        related = [(r.agency.name, r.agency.parent, r.user.username, r.granted_by) for r in found]

    assert [_fields(each) for each in found] == [_fields(each) for each in expected]
    assert [_fields(each.agency) for each in found] == [_fields(each.agency) for each in expected]
    assert related == [
        (r.agency.name, r.agency.parent, r.user.username, r.granted_by) for r in expected
    ]
    assert related[0][1] == parent or related[1][1] == parent
    assert [each.agency_name_again for each in found] == [each.agency.name for each in found]
    assert all(each._state.db == DEFAULT_DB_ALIAS and not each._state.adding for each in found)
    assert found[0].granted_at.tzinfo is not None  # the backend's converters ran


def test_compiled_once_a_connection_and_run_with_each_call_s_values(agency_factory):
    first, second = agency_factory(), agency_factory()
    build = Built(lambda pk: Agency.objects.filter(pk=pk))
    query = PreparedQuery[Agency](build, int)

    assert query(first.pk) == [first]
    calls = build.calls
    assert query(second.pk) == [second]
    assert query(first.pk + second.pk + 1000) == []
    assert build.calls == calls  # not built again, let alone compiled


def test_a_change_of_settings_compiles_again(agency, settings):
    build = Built(lambda pk: Agency.objects.filter(pk=pk))
    query = PreparedQuery[Agency](build, int)
    assert query(agency.pk) == [agency]
    calls = build.calls

    settings.USE_THOUSAND_SEPARATOR = True  # any setting: what the SQL depends on may change

    assert query(agency.pk) == [agency]
    assert build.calls == calls + 1


def test_values_list_and_flat_and_a_parameter_used_twice(agency_factory):
    parent = agency_factory()
    child = agency_factory(parent=parent)
    pairs = PreparedQuery[tuple[int, str]](
        lambda pk: (
            Agency.objects.filter(Q(pk=pk) | Q(parent=pk)).order_by("id").values_list("id", "slug")
        ),
        int,
    )
    names = PreparedQuery[str](
        lambda slug: Agency.objects.filter(slug=slug).values_list("name", flat=True), str
    )

    assert pairs(parent.pk) == [(parent.pk, parent.slug), (child.pk, child.slug)]
    assert pairs(child.pk) == [(child.pk, child.slug)]
    assert names(child.slug) == [child.name]
    assert names("no-such-slug") == []


def test_a_list_of_ids_gets_a_placeholder_for_each_value(agency_factory, django_assert_num_queries):
    agencies = [agency_factory() for _ in range(4)]
    ids = [each.pk for each in agencies]
    build = Built(
        lambda ids: (
            Agency.objects.filter(pk__in=ids).annotate(roles=Count("staff_roles")).order_by("id")
        )
    )
    query = PreparedQuery[Agency](build, INT_LIST)

    with django_assert_num_queries(1):
        assert query(ids[:1]) == agencies[:1]
    assert query(ids) == agencies
    assert query({ids[3], ids[1]}) == [agencies[1], agencies[3]]
    assert [each.roles for each in query(ids)] == [0, 0, 0, 0]
    assert build.calls == 1  # once, with the sentinel


def test_values_it_cannot_stand_for_are_left_to_django(agency, django_assert_num_queries):
    build = Built(lambda ids: Agency.objects.filter(pk__in=ids))
    by_ids = PreparedQuery[Agency](build, INT_LIST)
    by_id = PreparedQuery[Agency](lambda pk: Agency.objects.filter(pk=pk), int)

    with django_assert_num_queries(0):
        assert by_ids([]) == []  # Django runs no query for an empty IN
    assert by_id(2**70) == []
    assert by_id(-1) == []
    assert by_id(str(agency.pk)) == [agency]  # Django converts it; the SQL is not used
    assert build.calls == 1


@pytest.mark.parametrize(
    ("build", "kinds"),
    [
        (lambda pk: Agency.objects.all(), (int,)),  # the parameter is not used
        (lambda name: Agency.objects.filter(name__icontains=name), (str,)),  # changed on the way
        (lambda pk: Agency.objects.filter(pk=pk).prefetch_related("children"), (int,)),
        (lambda pk: Agency.objects.filter(pk=pk).values("name"), (int,)),
        (
            lambda ids: Agency.objects.filter(Q(pk__in=ids) | Q(parent__in=ids)).filter(pk=ids[0]),
            (INT_LIST,),
        ),
    ],
)
def test_querysets_it_cannot_stand_for_are_refused(agency, build, kinds):
    query = PreparedQuery[Agency](build, *kinds)
    values = [
        [agency.pk] if kind is INT_LIST else agency.pk if kind is int else "x" for kind in kinds
    ]

    with pytest.raises(PreparedQueryError):
        query(*values)


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, TEST_REPLICA])
def test_each_connection_compiles_its_own_and_the_router_chooses(agency_factory, settings):
    """Reads of a public request go to a replica (decision 0034): the prepared query runs on
    the connection the router chooses, compiled there."""
    settings.DATABASE_ROUTERS = ["gongkai.core.db_router.ReplicaRouter"]
    forget_unreachable()
    agency = agency_factory()
    build = Built(lambda pk: Agency.objects.filter(pk=pk))
    query = PreparedQuery[Agency](build, int)

    assert query(agency.pk) == [agency]
    with CaptureQueriesContext(connections[TEST_REPLICA]) as on_replica, replica_reads():
        found = query(agency.pk)
        again = query(agency.pk, instance=agency)  # read from the primary: its relations too
    forget_unreachable()

    assert found == [agency] and found[0]._state.db == TEST_REPLICA
    assert again[0]._state.db == DEFAULT_DB_ALIAS
    assert len(on_replica.captured_queries) == 1
    assert build.calls == 2  # once a connection


def test_forget_compiles_again(agency):
    build = Built(lambda pk: Agency.objects.filter(pk=pk))
    query = PreparedQuery[Agency](build, int)
    query(agency.pk)
    calls = build.calls

    prepared.forget()

    assert query(agency.pk) == [agency]
    assert build.calls == calls + 1
