"""Anonymising closed citizens' accounts (decision 0028).

An account that is closed (inactive) or was never confirmed, and has not been used since the
cutoff (``core.retention.personal_data_cutoff``: its last sign-in, or its creation), loses its
e-mail address (replaced by an address of its own under the reserved ``.invalid`` domain, to
which nothing can be sent, so that addresses stay unique), its display name (“（已匿名）”) and
its password; it stays closed. The applications listed under it keep the link: the account no
longer says whose it was.

Repeat-safe: an anonymised account (its address under ``anonymised.invalid``) is never
selected again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from gongkai.citizens.models import CitizenAccount
from gongkai.core import audit, retention

ANONYMISED_DOMAIN = "anonymised.invalid"


def due_accounts(cutoff: datetime.date) -> QuerySet[CitizenAccount]:
    """The accounts to anonymise: closed or never confirmed, unused since ``cutoff``."""
    return (
        CitizenAccount.objects.filter(Q(is_active=False) | Q(email_verified_at__isnull=True))
        .annotate(last_used=TruncDate(Coalesce("last_sign_in_at", "created_at")))
        .filter(last_used__lte=cutoff)
        .exclude(email__endswith=f"@{ANONYMISED_DOMAIN}")
        .order_by("pk")
    )


def anonymise_accounts(cutoff: datetime.date) -> int:
    """Anonymise every due account, each in its own transaction; returns how many."""
    done = 0
    for pk in list(due_accounts(cutoff).values_list("pk", flat=True)):
        with transaction.atomic():
            account = due_accounts(cutoff).select_for_update().filter(pk=pk).first()
            if account is None:
                continue
            account.email = f"account-{account.pk}@{ANONYMISED_DOMAIN}"
            account.display_name = retention.ANONYMISED
            account.password = "!"  # noqa: S105 - the unusable password of make_password(None)
            account.is_active = False
            account.save(update_fields=["email", "display_name", "password", "is_active"])
            audit.record(
                "citizens.anonymise_account",
                actor=None,
                obj=account,
                details={"fields": ["email", "display_name", "password"]},
            )
            done += 1
    return done


def register() -> None:
    retention.register_anonymiser("citizens", _("closed citizens' accounts"), anonymise_accounts)
