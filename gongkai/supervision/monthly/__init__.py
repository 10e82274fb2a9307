"""Supervision: monthly performance (每月公示) and the site-health watch.

``figures`` counts each agency's month from the records of the other apps (read-only, pure);
``services`` freezes a month's figures into a :class:`~.models.MonthlyPublication`, which the
office checks and publishes, and records the daily site-health findings (``health``);
``views.public`` shows the published months on the portal with charts, ``views.staff`` the
tables, the drill-down and the health page in the workbench.
"""
