"""The models of every part of public interaction, imported here so that Django finds them (the
app is ``interaction``; each part keeps its models in its own package)."""

from __future__ import annotations

from gongkai.interaction.letters.models import (  # noqa: F401
    Letter,
    LetterAttachment,
    LetterEvent,
    LetterSettings,
    LetterType,
)
