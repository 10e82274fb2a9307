"""The hotline, services, channels and opinion responses in the shells: both menus, the staff
queue and the admin (called from ``interaction.wiring``)."""

from __future__ import annotations


def register() -> None:
    from gongkai.interaction.channels import admin, navigation, queue, workbench_nav

    navigation.register()
    workbench_nav.register_workbench_nav()
    queue.register()
    admin.register()
