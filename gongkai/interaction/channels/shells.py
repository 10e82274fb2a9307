"""The hotline, services, channels and opinion responses in the shells: the workbench's menu,
the staff queue and the admin (called from ``interaction.wiring``; the public page /services/
is reached from the 政民互动 column, ``interaction.navigation``)."""

from __future__ import annotations


def register() -> None:
    from gongkai.interaction.channels import admin, queue, workbench_nav

    workbench_nav.register_workbench_nav()
    queue.register()
    admin.register()
