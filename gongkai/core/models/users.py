from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: staff of one or more agencies, or an administrator.

    Roles per agency live in ``agencies.StaffRole``; this model knows nothing of agencies so
    that ``core`` stays at the bottom of the layers.
    """

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[misc]
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username
