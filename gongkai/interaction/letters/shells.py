"""Letters in the shells: the portal's and the workbench's menus, the staff queue, the admin
and the search index (public Q&A) (called from ``interaction.wiring``)."""

from __future__ import annotations


def register() -> None:
    from gongkai.interaction.letters import admin, indexing, navigation, queue

    admin.register()
    navigation.register()
    queue.register()
    indexing.register()
