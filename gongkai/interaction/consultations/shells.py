"""The consultations' registrations with the shells: the workbench's queue and menu and the
search index (called once from ``interaction.wiring.connect``; the public list is reached from
the 政民互动 column, ``interaction.navigation``)."""

from __future__ import annotations


def register() -> None:
    from gongkai.interaction.consultations import indexing, queue, workbench_nav

    queue.register()
    workbench_nav.register()
    indexing.register()
