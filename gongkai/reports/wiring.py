"""Explicit registration of each part of the reports app with the shells (the workbench's
menu and queue), called from ``AppConfig.ready``."""

from __future__ import annotations


def connect() -> None:
    from gongkai.reports.annual import shells as annual
    from gongkai.reports.statistics import shells as statistics

    annual.register()
    statistics.register()

    # The exports built by the task queue (decision 0041).
    from gongkai.reports.annual import exporters as annual_exporters
    from gongkai.reports.statistics import exporters as statistics_exporters

    annual_exporters.register()
    statistics_exporters.register()
