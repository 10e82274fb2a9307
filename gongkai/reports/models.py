"""The reports app's models: those of statistics reporting (统计报送)."""

from gongkai.reports.statistics.models import (
    StatisticsField,
    StatisticsForm,
    StatisticsSubmission,
    SubmissionEvent,
)

__all__ = ["StatisticsField", "StatisticsForm", "StatisticsSubmission", "SubmissionEvent"]
