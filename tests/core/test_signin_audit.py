"""Sign-ins, sign-outs and failed attempts are written to the audit trail, with the address."""

import pytest
from django.contrib.auth import authenticate

from gongkai.core.models import AuditEntry


@pytest.mark.django_db
def test_sign_in_and_out_are_audited_with_address(client, user_factory, password):
    user = user_factory(username="auditee")
    assert client.login(username="auditee", password=password)
    client.logout()
    entries = list(AuditEntry.objects.filter(actor=user).order_by("id"))
    assert [e.action for e in entries] == ["auth.sign_in", "auth.sign_out"]
    assert all(e.kind == AuditEntry.Kind.SIGN_IN for e in entries)


@pytest.mark.django_db
def test_failed_sign_in_is_audited_without_the_password(rf, user_factory):
    user_factory(username="auditee")
    request = rf.post("/workbench/sign-in/", REMOTE_ADDR="203.0.113.9")
    assert authenticate(request, username="auditee", password="wrong-Password-123") is None
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert entry.address == "203.0.113.9"
    assert entry.details == {"username": "auditee"}
    assert "wrong-Password-123" not in str(entry.details)
