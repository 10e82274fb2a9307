"""The public landing page of public interaction (政民互动, ``/interaction/``): one entry to the
channels through which the public reaches the government — letters and their statistics,
consultations on drafts, surveys, the hotline and services — each with what its records count
now. Figures only: no letter, comment, answer or caller is shown here.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from gongkai.interaction.channels import selectors as channels
from gongkai.interaction.consultations import selectors as consultations
from gongkai.interaction.letters import statistics
from gongkai.interaction.letters.selectors import active_letter_types
from gongkai.interaction.surveys import selectors as surveys

SHOWN = 3  # open consultations and surveys named on the page (the rest behind "more")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    start, end = statistics.year_period(today.year)
    letters = statistics.figures(
        statistics.load_facts(start, end, as_of=today), start=start, end=end, as_of=today
    )
    open_consultations = consultations.in_phase(consultations.Phase.OPEN, now=now).order_by(
        "closes_on", "id"
    )
    open_surveys = surveys.open_surveys(now)
    return render(
        request,
        "interaction/index.html",
        {
            "year": today.year,
            "letters": letters,
            "letter_types": list(active_letter_types()),
            "consultations": list(open_consultations[:SHOWN]),
            "consultation_count": open_consultations.count(),
            "surveys": list(open_surveys[:SHOWN]),
            "survey_count": open_surveys.count(),
            "hotline": channels.hotline_year(today.year),
        },
    )
