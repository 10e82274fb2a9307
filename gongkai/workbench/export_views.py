"""My exports (我的导出): asking for an export, the list of one's own, and the download
(decision 0041). The files may hold personal data: each is served to the member of staff who
asked for it alone (anyone else gets a 404, as if it did not exist), never cached, and only
while the permission that allowed it still holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gongkai.core import exports
from gongkai.core.uploads import file_response
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 25


def ask_for_export(
    request: HttpRequest,
    *,
    kind: str,
    parameters: Mapping[str, Any],
    back: tuple[str, str] | None = None,
) -> HttpResponse:
    """The answer to an export button (a POST): the export asked for and "My exports"; a
    refused permission is the 403 page, bad parameters a 400 page saying why — nothing is
    written either way."""
    user = staff_user(request)
    try:
        export = exports.request_export(
            user, kind=kind, parameters=parameters, language=request.LANGUAGE_CODE
        )
    except exports.ExportRefused as error:
        return refuse_action(request, error.message, back=back)
    except exports.ExportError as error:
        response = refuse_action(request, error.message, back=back)
        response.status_code = 400
        return response
    export.refresh_from_db(fields=["state"])
    if export.state == exports.State.DONE:
        messages.success(request, _("Your export is ready."))
    elif export.state == exports.State.FAILED:
        messages.error(request, _("Your export could not be made."))
    else:
        messages.info(request, _("Your export is being prepared. Refresh this page to see it."))
    return HttpResponseRedirect(reverse("workbench:exports"))


@never_cache
@require_GET
@staff_required
def my_exports(request: HttpRequest) -> HttpResponse:
    """The user's own exports, latest first, with their state and a download when ready."""
    page = Paginator(exports.exports_of(staff_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pending = any(
        export.state in (exports.State.QUEUED, exports.State.RUNNING) for export in page.object_list
    )
    return render(
        request,
        "workbench/exports.html",
        {"page": page, "pending": pending, "export_days": exports.export_days()},
    )


@require_GET
@staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def download_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, to the member of staff who asked for it; another's export is a 404."""
    user = staff_user(request)
    export = get_object_or_404(exports.exports_of(user), pk=pk)
    try:
        handle = exports.open_export(export, actor=user)
    except exports.ExportRefused as error:
        return refuse_action(
            request, error.message, to_list=(reverse("workbench:exports"), _("My exports"))
        )
    except exports.ExportError:
        raise Http404 from None
    return file_response(handle, filename=export.filename, content_type=export.content_type)
