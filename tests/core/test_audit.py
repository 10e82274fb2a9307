"""The append-only audit trail (gongkai.core.audit, gongkai.core.models.audit)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from gongkai.core.audit import record, record_read
from gongkai.core.context import request_address
from gongkai.core.models import AuditEntry
from gongkai.core.models.audit import AuditImmutableError


@pytest.fixture
def client_address():
    token = request_address.set("203.0.113.7")
    yield "203.0.113.7"
    request_address.reset(token)


@pytest.fixture
def entry(db, user_factory):
    return record("agencies.grant_role", actor=user_factory(username="office1"))


def _columns(entry_id: int) -> dict:
    return AuditEntry.objects.filter(pk=entry_id).values().get()


# --- Writing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_writes_actor_action_object_and_address(user_factory, agency, client_address):
    actor = user_factory(username="editor1", full_name="王信息员")
    before = timezone.now()

    entry = record(
        "catalogue.publish_document",
        actor=actor,
        obj=agency,
        agency_id=agency.pk,
        details={"document": 12},
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == actor
    assert stored.actor_name == "editor1"
    assert stored.action == "catalogue.publish_document"
    assert stored.kind == AuditEntry.Kind.CHANGE
    assert stored.object_type == "agencies.agency"
    assert stored.object_id == str(agency.pk)
    assert stored.object_repr == str(agency)
    assert stored.agency_id == agency.pk
    assert stored.details == {"document": 12}
    assert stored.address == client_address
    assert before <= stored.created_at <= timezone.now()
    assert stored.created_at.tzinfo is not None


@pytest.mark.django_db
def test_explicit_address_wins_over_the_request(user_factory, client_address):
    entry = record("core.sign_in", actor=user_factory(), address="2001:db8::1")

    assert AuditEntry.objects.get(pk=entry.pk).address == "2001:db8::1"


@pytest.mark.django_db
def test_no_address_outside_a_request(user_factory):
    entry = record("core.import", actor=user_factory())

    assert AuditEntry.objects.get(pk=entry.pk).address is None


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["unknown", "203.0.113.7:51234", "not an address", "1.2.3"])
def test_an_address_that_is_not_an_ip_does_not_break_the_change(user_factory, address):
    # A misconfigured proxy can put anything in X-Forwarded-For; PostgreSQL's inet column
    # would refuse it and abort the transaction of the change being recorded.
    token = request_address.set(address)
    try:
        with transaction.atomic():
            entry = record("catalogue.publish_document", actor=user_factory())
    finally:
        request_address.reset(token)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.address is None
    assert stored.details == {"unparsed_address": address}


@pytest.mark.django_db
def test_address_is_normalised(user_factory):
    entry = record("core.sign_in", actor=user_factory(), address=" 2001:DB8:0:0::1 ")

    assert AuditEntry.objects.get(pk=entry.pk).address == "2001:db8::1"


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_anonymous_actor_is_recorded_without_a_user(actor):
    entry = record("info_requests.register_request", actor=actor)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor is None
    assert stored.actor_name == ""


@pytest.mark.django_db
def test_record_read_names_the_fields_not_their_values(user_factory):
    reader = user_factory(username="handler1")
    subject = user_factory(username="applicant-record", phone="0533-2869813")

    entry = record_read(subject, actor=reader, fields=["phone"])

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.kind == AuditEntry.Kind.READ
    assert stored.action == "personal_data.read"
    assert stored.details == {"fields": ["phone"]}
    assert "0533" not in str(_columns(entry.pk))


@pytest.mark.django_db(transaction=True)
def test_entry_rolls_back_with_the_change(user_factory):
    actor = user_factory()

    with pytest.raises(RuntimeError), transaction.atomic():
        record("catalogue.publish_document", actor=actor)
        raise RuntimeError("the change failed")

    assert not AuditEntry.objects.exists()


# --- Append-only in the application --------------------------------------------------------


@pytest.mark.django_db
def test_saving_an_existing_entry_is_refused(entry):
    before = _columns(entry.pk)
    entry.action = "forged"

    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.save(update_fields=["action"])

    assert _columns(entry.pk) == before


@pytest.mark.django_db
def test_reloaded_entry_cannot_be_saved(entry):
    loaded = AuditEntry.objects.get(pk=entry.pk)
    loaded.details = {"changed": True}

    with pytest.raises(AuditImmutableError):
        loaded.save()


@pytest.mark.django_db
def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AuditImmutableError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_queryset_update_and_delete_are_refused(entry):
    before = _columns(entry.pk)

    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().update(created_at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()

    assert _columns(entry.pk) == before


@pytest.mark.django_db
def test_bulk_update_is_refused(entry):
    before = _columns(entry.pk)
    entry.action = "forged"

    with pytest.raises(AuditImmutableError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert _columns(entry.pk) == before


@pytest.mark.django_db
def test_actor_with_entries_cannot_be_deleted(entry):
    with pytest.raises(ProtectedError):
        entry.actor.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_new_instance_with_an_existing_pk_cannot_overwrite_an_entry(entry):
    before = _columns(entry.pk)
    forged = AuditEntry(pk=entry.pk, created_at=entry.created_at, action="forged")

    try:
        with transaction.atomic():
            forged.save()
    except (AuditImmutableError, DatabaseError):
        pass

    assert _columns(entry.pk) == before


# --- Append-only in PostgreSQL -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_raw_update_is_refused_by_the_database(entry):
    before = _columns(entry.pk)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", entry.pk])

    assert _columns(entry.pk) == before


@pytest.mark.postgres
@pytest.mark.django_db
def test_raw_delete_is_refused_by_the_database(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_raw_insert_is_still_allowed(entry):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_name, kind, action, object_type, "
            "object_id, object_repr, details) VALUES (now(), '', 'change', 'raw.insert', '', "
            "'', '', '{}')"
        )

    assert AuditEntry.objects.filter(action="raw.insert").count() == 1
