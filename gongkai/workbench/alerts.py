"""Banners on every workbench page: conditions of the platform that someone must act on.

The workbench owns none. An app registers a source in its ``AppConfig.ready()``::

    from gongkai.workbench.alerts import Alert, register_alert_source

    def index_alerts(user):
        if permissions.is_office(user) and not index_status().ok:
            yield Alert(message=_("The search index is stale …"), details=[…])

    register_alert_source(index_alerts)

A source receives the signed-in user, decides who may see its alert, and must be cheap: it
runs on every workbench page (read a cached state; never count rows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from gongkai.core.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    message: str | Promise
    details: list[str | Promise] = field(default_factory=list)


AlertSource = Callable[["User"], Iterable[Alert]]

_sources: list[AlertSource] = []


def register_alert_source(source: AlertSource) -> AlertSource:
    """Add a source of alerts; registering the same callable twice has no effect."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister_alert_source(source: AlertSource) -> None:
    if source in _sources:
        _sources.remove(source)


def alerts_for(user: User) -> list[Alert]:
    """Every source's alerts for ``user``. A source that fails is left out (and logged): a
    banner must never break the page it would sit on."""
    alerts: list[Alert] = []
    for source in _sources:
        try:
            alerts.extend(source(user))
        except Exception as error:
            logger.warning("Workbench alert source failed (%s).", type(error).__name__)
    return alerts
