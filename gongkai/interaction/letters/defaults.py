"""The letter types of a new installation (REGULATION.md §1: reply limits configurable per type,
defaults consultation 5, complaint 10, suggestion and mailbox 15 working days).

Seeded by the data migration ``interaction.0002_seed_letter_types`` (and again by the tests'
``reseed``); idempotent: an existing type (by its web name) is left as the administrator set
it. The mailbox's leader and agency are the installation's to fill in (the demonstration does).
"""

from __future__ import annotations

from typing import Any, NamedTuple


class DefaultType(NamedTuple):
    slug: str
    kind: str
    name: str
    reply_days: int
    leader_title: str
    description: str


DEFAULT_TYPES: list[DefaultType] = [
    DefaultType(
        "mailbox",
        "mailbox",
        "区长信箱",
        15,
        "区长",
        "向区长反映情况、提出意见和建议。来信由区政府办公室受理，转有关部门办理后答复。",
    ),
    DefaultType(
        "consultation",
        "consultation",
        "网上咨询",
        5,
        "",
        "咨询政策规定、办事程序和有关政府工作。",
    ),
    DefaultType(
        "complaint",
        "complaint",
        "网上投诉",
        10,
        "",
        "投诉行政机关及其工作人员的工作作风、服务质量和办事效率等问题。",
    ),
    DefaultType(
        "suggestion",
        "suggestion",
        "建议",
        15,
        "",
        "对政府工作和经济社会发展提出意见和建议。",
    ),
]


def seed(apps: Any, schema_editor: Any) -> None:
    """Create the default types that are missing (a migration's ``RunPython`` function)."""
    LetterType = apps.get_model("interaction", "LetterType")
    for order, row in enumerate(DEFAULT_TYPES):
        LetterType.objects.get_or_create(
            slug=row.slug,
            defaults={
                "kind": row.kind,
                "name": row.name,
                "reply_days": row.reply_days,
                "leader_title": row.leader_title,
                "description": row.description,
                "sort_order": order * 10,
            },
        )
