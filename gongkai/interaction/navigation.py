"""Public interaction's entry in the portal's menu: one column, 政民互动, whose landing page
(``/interaction/``) leads to letters, consultations on drafts, surveys and the hotline and
services. A district's header stays short this way; the parts' pages mark the column as
current (called from ``interaction.wiring.connect``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongkai.portal.navigation import register_nav_entry

PART_PAGES = ("letters:index", "consultations:list", "surveys:index", "channels:index")


def register() -> None:
    # After 依申请公开 (45): the public's other ways of reaching the government.
    register_nav_entry(
        "interaction", _("Public interaction"), "interaction:index", order=50, also=PART_PAGES
    )
