from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from gongkai.core import (
            signin_audit,  # noqa: F401 - connects the sign-in receivers
            two_factor,  # noqa: F401 - registers its system check
        )
