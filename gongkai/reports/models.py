"""The reports app's models, one module per part (imported here so Django finds them)."""

from gongkai.reports.annual.models import AnnualReport, ReportReminder, SectionRevision
from gongkai.reports.statistics.models import (
    StatisticsField,
    StatisticsForm,
    StatisticsSubmission,
    SubmissionEvent,
)

__all__ = [
    "AnnualReport",
    "ReportReminder",
    "SectionRevision",
    "StatisticsField",
    "StatisticsForm",
    "StatisticsSubmission",
    "SubmissionEvent",
]
