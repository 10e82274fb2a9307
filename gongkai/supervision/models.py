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
from gongkai.supervision.monthly.models import (  # noqa: F401
    HealthCheck,
    HealthSettings,
    MonthlyFigure,
    MonthlyPublication,
    PublicationEvent,
)
from gongkai.supervision.plans.models import (  # noqa: F401
    KeyTask,
    NoticeEvent,
    NoticeRecipient,
    NoticeReplyFile,
    PlanSettings,
    SupervisionNotice,
    TaskCategory,
    TaskEvent,
    TaskReminder,
    TaskReport,
    TaskReportFile,
    WorkPlan,
)
