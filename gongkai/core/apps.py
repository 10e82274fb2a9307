from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks

        # The public page cache (decision 0033) watches every connection's writes.
        from django.db import connections
        from django.db.backends.signals import connection_created

        from gongkai.core import (
            page_cache,
            retention,
            sessions,  # noqa: F401 - connects its sign-in receiver
            signin_audit,  # noqa: F401 - connects the sign-in receivers
            two_factor,  # noqa: F401 - registers its system check
        )

        connection_created.connect(page_cache.install_write_watcher)
        checks.register(page_cache.check_page_cache_settings)
        for connection in connections.all(initialized_only=True):
            page_cache.install_write_watcher(connection=connection)

        # Retention (decision 0028): the settings' check, and the outbox's anonymiser.
        checks.register(retention.check_retention_settings)
        retention.register()
        # The scheduler's table of periodic jobs (decision 0031).
        from gongkai.core.scheduler import check_periodic_jobs

        checks.register(check_periodic_jobs)
