"""Key tasks in the shells: the portal's and the workbench's menus, the staff queue and the
admin (called from ``supervision.wiring``)."""

from __future__ import annotations


def register() -> None:
    from gongkai.supervision.plans import admin, navigation, queue

    admin.register()
    navigation.register()
    queue.register()
