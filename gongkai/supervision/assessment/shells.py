"""Assessment in the shells: the portal's menu (成绩单), the workbench's menu and the staff
queue (called from ``supervision.wiring``). The admin registers nothing of assessment: the
persons of the accountability records are for the disclosure office only (decision 0020)."""

from __future__ import annotations


def register() -> None:
    from gongkai.supervision.assessment import navigation, queue

    navigation.register()
    queue.register()
