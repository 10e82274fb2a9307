"""Explicit registration of each part of public interaction with the shells (the portal's
menu, the workbench's menu and queue, the search index), called from ``AppConfig.ready``."""

from __future__ import annotations


def connect() -> None:
    """Each part registers itself here, one call a part."""
    from gongkai.interaction.letters import admin as letters_admin
    from gongkai.interaction.letters import navigation as letters_navigation
    from gongkai.interaction.letters import queue as letters_queue

    letters_admin.register()
    letters_navigation.register()
    letters_queue.register()
