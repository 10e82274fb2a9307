"""The consultations' registrations with the shells: the workbench's queue and menu, the
portal's menu and the search index (called once from ``interaction.wiring.connect``)."""

from __future__ import annotations


def register() -> None:
    from gongkai.interaction.consultations import indexing, navigation, queue, workbench_nav

    queue.register()
    navigation.register()
    workbench_nav.register()
    indexing.register()
