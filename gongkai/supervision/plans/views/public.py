"""The public pages of key tasks (``/key-tasks/``): the published plans and, for each, its
categories and tasks with their state, progress and lead agency, the roll-up and its charts.

What the public sees is :class:`~gongkai.supervision.plans.selectors.PublicTaskRow`: never a
progress report, a comment, an evidence file, an extension's reason or why a task was sent
back (a task sent back shows as in progress). A plan the office has not published is a 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from gongkai.supervision.plans import selectors
from gongkai.supervision.plans.models import WorkPlan
from gongkai.supervision.plans.progress import RollUp


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The published plans, the latest year first, each with its progress."""
    published = list(selectors.published_plans())
    rollups = selectors.rollups_of(published)
    plans: list[tuple[WorkPlan, RollUp]] = [(plan, rollups[plan.pk]) for plan in published]
    return render(request, "supervision/plans/public/index.html", {"plans": plans})


@require_safe
def plan(request: HttpRequest, year: int) -> HttpResponse:
    found = selectors.public_plan(year)
    if found is None:
        raise Http404
    overview = selectors.plan_overview(found, today=timezone.localdate())
    return render(
        request,
        "supervision/plans/public/plan.html",
        {
            "plan": found,
            "overview": overview,
            "categories": selectors.public_rows(overview),
            "chart_data": selectors.public_chart_data(overview),
            "other_plans": selectors.published_plans().exclude(pk=found.pk),
        },
    )
