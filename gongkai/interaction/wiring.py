"""Explicit registration of each part of public interaction with the shells (the portal's
menu, the workbench's menu and queue, the search index), called from ``AppConfig.ready``."""

from __future__ import annotations


def connect() -> None:
    """Each part registers itself here, one call a part."""
    _connect_channels()


def _connect_channels() -> None:
    """Hotline, services, channels and opinion responses: both menus, the queue, the admin."""
    from gongkai.interaction.channels import admin, navigation, queue, workbench_nav

    navigation.register()
    workbench_nav.register_workbench_nav()
    queue.register()
    admin.register()
