"""Supervision and assessment (督查考核): the year's key tasks and supervision notices
(重点工作安排表, 督查通知), the monthly performance publication (每月公示) and the site-health
watch, and the assessment with its indicators, scorecards (成绩单) and accountability records.

One Django app (label ``supervision``) in three parts, each a package with its own models,
services, selectors, views, URLs, templates and demonstration data: ``plans``, ``monthly`` and
``assessment``. ``supervision.models`` imports the parts' models so that Django finds them;
``supervision.wiring`` registers each part with the shells. The parts read other apps only
through their selectors.
"""
