"""The staff password policy (issue 9, "Staff sign-in"; decision 0024: 等保 2.0 level 3 over
ASVS): at least 12 characters of three classes, not common, not one of the last five, expiring
after the configured days — and none of it imposed on the public's own accounts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import PasswordHistory
from gongkai.core.passwords import citizen_password_validators, password_expired

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("candidate", "code"),
    [
        ("Short-1a", "password_too_short"),
        ("alllowercaseletters", "password_too_simple"),
        ("lowercase-and-dashes", "password_too_simple"),  # two classes
        ("123456789012", "password_entirely_numeric"),
        ("Password1234", "password_too_common"),
    ],
)
def test_a_weak_staff_password_is_refused(user_factory, candidate, code):
    user = user_factory()
    with pytest.raises(ValidationError) as refused:
        validate_password(candidate, user=user)
    assert code in [error.code for error in refused.value.error_list]


def test_three_classes_of_twelve_characters_pass(user_factory):
    validate_password("Quiet-river-2026", user=user_factory())  # lower, upper, digit, other
    validate_password("quiet river 2026", user=user_factory())  # lower, digit, other


def test_none_of_the_last_five_passwords_may_come_back(user_factory):
    user = user_factory()
    passwords = [f"Harbour-light-{n}x" for n in range(7)]
    for password in passwords:
        validate_password(password, user=user)
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for recent in passwords[-5:]:
        with pytest.raises(ValidationError, match="last 5 passwords"):
            validate_password(recent, user=user)
    validate_password(passwords[0], user=user)  # six changes ago: allowed again


def test_the_password_expires_after_the_configured_days(user_factory, settings):
    user = user_factory()
    user.set_password("Harbour-light-1x")
    user.save()
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 90
    later = timezone.now() + datetime.timedelta(days=91)
    assert not password_expired(user)
    assert password_expired(user, now=later)
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 0
    assert not password_expired(user, now=later)


def test_an_expired_password_must_be_changed_before_anything_else(
    client, staff_role_factory, password, settings
):
    user = staff_role_factory().user
    assert PasswordHistory.objects.filter(user=user).count() == 1  # set when it was made
    PasswordHistory.objects.filter(user=user).update(
        changed_at=timezone.now() - datetime.timedelta(days=200)
    )
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 90
    client.force_login(user)
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:password")
    assert client.get(reverse("workbench:password")).status_code == 200

    weak = client.post(
        reverse("workbench:password"),
        {
            "old_password": password,
            "new_password1": "weakweakweak",
            "new_password2": "weakweakweak",
        },
    )
    assert weak.status_code == 200  # the form again, with the rule broken
    user.refresh_from_db()
    assert user.check_password(password)

    response = client.post(
        reverse("workbench:password"),
        {
            "old_password": password,
            "new_password1": "Lantern-garden-77",
            "new_password2": "Lantern-garden-77",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("workbench:home")).status_code == 200


def test_the_account_page_lists_the_users_own_sign_ins_and_failures(client, user_factory, password):
    user_factory(username="zhang.san")
    user_factory(username="li.si")
    client.post(reverse("workbench:login"), {"username": "zhang.san", "password": "wrong"})
    client.post(reverse("workbench:login"), {"username": "li.si", "password": "wrong"})
    client.login(username="zhang.san", password=password)
    page = client.get(reverse("workbench:account"))
    assert page.status_code == 200
    actions = [entry.action for entry in page.context["entries"]]
    assert sorted(actions) == ["auth.sign_in", "auth.sign_in_failed"]
    assert all(
        entry.details.get("username", "zhang.san") == "zhang.san"
        for entry in page.context["entries"]
    )


def test_the_publics_accounts_keep_asvs_rules_only():
    names = {type(v).__name__ for v in citizen_password_validators()}
    assert "CharacterClassesValidator" not in names
    assert "PasswordHistoryValidator" not in names
    assert "MinimumLengthValidator" in names
