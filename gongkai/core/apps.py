from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks

        from gongkai.core import (
            retention,
            signin_audit,  # noqa: F401 - connects the sign-in receivers
            two_factor,  # noqa: F401 - registers its system check
        )

        # Retention (decision 0028): the settings' check, and the outbox's anonymiser.
        checks.register(retention.check_retention_settings)
        retention.register()
        # The scheduler's table of periodic jobs (decision 0031).
        from gongkai.core.scheduler import check_periodic_jobs

        checks.register(check_periodic_jobs)
