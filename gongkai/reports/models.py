"""The reports app's models, one module per part (imported here so Django finds them)."""

from gongkai.reports.annual.models import AnnualReport, ReportReminder, SectionRevision

__all__ = ["AnnualReport", "ReportReminder", "SectionRevision"]
