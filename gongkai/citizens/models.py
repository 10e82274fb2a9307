"""A citizen's optional account on the portal (个人账户).

It is not a ``core.User``: staff accounts carry roles, reach the workbench and the admin, and will
get two-factor sign-in; a citizen's account only lists the citizen's own applications. Keeping
them in separate tables means no flag, group or forgotten permission can turn one into the other
(decision 0014).

The e-mail address and display name are personal data: ``__str__``, audit entries and log lines
name the account by its id only.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class CitizenAccount(models.Model):
    # Stored normalised (trimmed, lower case) by the services; the constraint below keeps the
    # addresses unique whatever their case, should a row be written another way.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=50)
    password = models.CharField(_("password"), max_length=128)  # a hash (make_password)
    email_verified_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="citizen_account_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"citizen account {self.pk}"  # never the address or the name

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None
