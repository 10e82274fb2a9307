"""The models of every part of supervision, imported here so that Django finds them (the app is
``supervision``; each part keeps its models in its own package)."""

from __future__ import annotations

from gongkai.supervision.assessment.models import (  # noqa: F401
    AccountabilityRecord,
    EvidenceFile,
    HandScore,
    Indicator,
    IndicatorScheme,
    Score,
    Scorecard,
)
