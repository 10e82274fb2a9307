"""The public Q&A pages (公开答复, ``/letters/qa/…``): the list with its filters, one published
letter, and the agencies with their reply times.

Everything here is read through ``selectors.published_qa`` as :class:`PublicQA` values: the
masked subject, letter and reply, the type, the agency that replied and the dates. The writer's
name, phone, e-mail and files, the tracking number and staff names are never read for these
pages. A proposed or withdrawn Q&A is a 404, as if it had never existed.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.interaction.letters import selectors
from gongkai.interaction.letters.forms import QAFilterForm

PAGE_SIZE = 20


@require_safe
def qa_list(request: HttpRequest) -> HttpResponse:
    """Published Q&A, the latest reply first, filtered by agency, type and year."""
    choices = selectors.qa_filter_choices()
    form = QAFilterForm(request.GET or None, choices=choices)
    filters = form.filters()
    rows = selectors.public_qa_list(**filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [selectors.as_public_qa(row) for row in page.object_list]
    agency_name = dict(choices.agencies).get(filters.get("agency_slug") or "", "")
    return render(
        request,
        "letters/public/qa_list.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "filtered": any(filters.values()),
            "agency_name": agency_name,
        },
    )


@require_safe
def qa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published letter and its reply, with its type, agency and dates."""
    item = selectors.public_qa(pk)
    if item is None:
        raise Http404(_("No public Q&A has this address."))
    return render(request, "letters/public/qa_detail.html", {"item": item})


@require_safe
def qa_agencies(request: HttpRequest) -> HttpResponse:
    """The agencies with published Q&A: how many, and how long their replies took."""
    return render(
        request,
        "letters/public/qa_agencies.html",
        {"agencies": selectors.qa_reply_times_by_agency()},
    )
