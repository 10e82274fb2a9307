"""The notice template editor in the workbench: an agency's letter templates and notice
settings, edited and previewed by its own disclosure staff; the defaults by the office.

Who may edit what is ``permissions.can_edit_notice_templates``: an agency's handlers and head
edit its own templates and settings, the disclosure office every agency's and, alone, the
defaults (``scope`` "default" in the URLs) that every agency without its own uses. Another
agency's pages are a 404, as if they did not exist; a refusal is a 403 page; nothing changes.

Saving makes or changes the agency's own ``NoticeTemplate`` (never the shared default, unless
the office edits the defaults); reverting deletes it, so the agency uses the default again.
Each change is audited in its transaction. Issued notices are never touched: their text was
frozen when they were issued (decision 0013), so only notices issued afterwards read the new
text. The preview renders what is typed with an invented sample application — never a real
applicant's data — and saves nothing.

The services below are the only code that changes templates and settings; they keep to the
services' rules (one transaction, permission checked, audited) and take no HTTP request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import agencies_visible_to
from gongkai.info_requests import letters, notice_editing, permissions
from gongkai.info_requests.forms_templates import NoticeSettingsForm, NoticeTemplateForm
from gongkai.info_requests.notice_models import (
    DEFAULT_NOTICE_NUMBER_PATTERN,
    PLACEHOLDERS,
    NoticeTemplate,
)
from gongkai.info_requests.views import staff as staff_views
from gongkai.info_requests.workflow import InfoRequestError, InfoRequestPermissionDenied
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import staff_required, staff_user

Kind = NoticeTemplate.Kind
DEFAULT_SCOPE = "default"  # the scope of the defaults in the URLs; else an agency's id

View = Callable[..., HttpResponse]


class NoticeScopeConverter:
    """The ``<notice_scope:scope>`` of the URLs: an agency's id, or "default"."""

    regex = f"{DEFAULT_SCOPE}|[0-9]{{1,18}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


# --------------------------------------------------------------------------- access


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 page saying why, in the workbench's frame (the applications' own, so that the
    refusals of the app look alike); nothing was changed."""
    return staff_views._refuse(request, message)


def template_editor_required(view: View) -> View:
    """Signed in with a role (``staff_required``), and allowed to edit some agency's notice
    templates: the office, or a handler or head somewhere. Others get a 403 page."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.may_edit_notice_templates(request.user):
            return _refuse(
                request,
                _(
                    "Notice templates are edited by the disclosure office and by each agency's "
                    "case handlers and head."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Scope:
    """Whose templates a page edits: one agency's, or (``agency`` None) the defaults."""

    agency: Agency | None

    @property
    def key(self) -> str:
        return DEFAULT_SCOPE if self.agency is None else str(self.agency.pk)

    @property
    def is_default(self) -> bool:
        return self.agency is None

    @property
    def name(self) -> str:
        if self.agency is None:
            return _("Defaults of every agency")
        return self.agency.name

    def url(self, name: str, *args: object) -> str:
        return reverse(f"info_requests_staff:{name}", args=[self.key, *args])


def _scope(request: HttpRequest, key: str) -> Scope | HttpResponse:
    """The scope of ``key`` if the user may edit it; another agency's is a 404 (as if it did
    not exist), an agency the user sees but may not edit for, or the defaults for anyone but
    the office, a 403 page."""
    user = staff_user(request)
    agency = None
    if key != DEFAULT_SCOPE:
        agency = get_object_or_404(agencies_visible_to(user), pk=int(key))
    try:
        notice_editing.require_editor(user, agency)
    except InfoRequestPermissionDenied as error:
        return _refuse(request, error.message)
    return Scope(agency)


def _kind(value: str) -> Kind:
    if value not in Kind.values:
        raise Http404(_("There is no such kind of letter."))
    return Kind(value)


def _inherited(kind: str, *, default: NoticeTemplate | None) -> tuple[str, str]:
    """The (title, body) an agency without its own template uses: the default's, else the
    built-in text (which becomes the default row on first use)."""
    if default is not None:
        return default.title, default.body
    return letters.builtin_template(kind)


def _preview_agency(request: HttpRequest, scope: Scope) -> Agency:
    """Who signs the preview: the agency, or for the defaults the user's own agency."""
    if scope.agency is not None:
        return scope.agency
    return current_agency(request) or Agency(name=notice_editing.SAMPLE_AGENCY_NAME)


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class TemplateRow:
    """One kind of letter on the list: whether the scope has its own text, and the title."""

    kind: Kind
    title: str
    own: bool  # the agency's own template; for the defaults: edited from the built-in text
    updated_at: datetime.datetime | None
    edit_url: str
    revert_url: str


@require_GET
@template_editor_required
def index(request: HttpRequest) -> HttpResponse:
    """The templates of the agency chosen (``?agency=``), else of the agency the user works
    for if they may edit its templates, else of the first agency they may."""
    user = staff_user(request)
    editable = permissions.notice_template_agencies_for(user)
    chosen = request.GET.get("agency", "")
    agency = None
    if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18:
        agency = editable.filter(pk=int(chosen)).first()
    if agency is None:
        working_for = current_agency(request)
        if working_for is not None and permissions.can_edit_notice_templates(user, working_for):
            agency = working_for
    if agency is None:
        agency = editable.order_by("sort_order", "id").first()
    key = str(agency.pk) if agency is not None else DEFAULT_SCOPE
    return HttpResponseRedirect(reverse("info_requests_staff:notice_templates", args=[key]))


@require_GET
@template_editor_required
def template_list(request: HttpRequest, scope: str) -> HttpResponse:
    """Every kind of letter with the template in use: the agency's own or the default (for
    the defaults: edited, or the built-in text)."""
    found = _scope(request, scope)
    if isinstance(found, HttpResponse):
        return found
    user = staff_user(request)
    defaults = {row.kind: row for row in notice_editing.templates_of(None)}
    own = (
        defaults
        if found.is_default
        else {row.kind: row for row in notice_editing.templates_of(found.agency)}
    )
    rows = []
    for kind in Kind:
        row = own.get(kind)
        if found.is_default:
            edited = row is not None and (row.title, row.body) != letters.builtin_template(kind)
        else:
            edited = row is not None
        title = row.title if row is not None else _inherited(kind, default=defaults.get(kind))[0]
        rows.append(
            TemplateRow(
                kind=kind,
                title=title,
                own=edited,
                updated_at=row.updated_at if edited and row is not None else None,
                edit_url=found.url("edit_notice_template", kind.value),
                revert_url=found.url("revert_notice_template", kind.value),
            )
        )
    editable = permissions.notice_template_agencies_for(user).order_by("sort_order", "id")
    return render(
        request,
        "info_requests/staff/templates/list.html",
        {
            "scope": found,
            "rows": rows,
            "settings_url": found.url("notice_settings"),
            "agencies": list(editable.only("id", "name")) if editable[1:2].exists() else [],
            "office": permissions.can_edit_notice_templates(user, None),
        },
    )


# --------------------------------------------------------------------------- one template


def _placeholder_list() -> list[tuple[str, str]]:
    return [("{" + name + "}", str(description)) for name, description in PLACEHOLDERS.items()]


@require_http_methods(["GET", "POST"])
@template_editor_required
def edit_template(request: HttpRequest, scope: str, kind: str) -> HttpResponse:
    """Edit one template. "Preview" shows the letter the typed text makes for a sample
    application and saves nothing; "Save" makes or changes the scope's own template."""
    found = _scope(request, scope)
    if isinstance(found, HttpResponse):
        return found
    template_kind = _kind(kind)
    user = staff_user(request)
    default = notice_editing.templates_of(None).filter(kind=template_kind).first()
    own = (
        default
        if found.is_default
        else notice_editing.templates_of(found.agency).filter(kind=kind).first()
    )
    if own is not None:
        initial = {"title": own.title, "body": own.body}
    else:
        title, body = _inherited(kind, default=default)
        initial = {"title": title, "body": body}
    form = NoticeTemplateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        agency=found.agency,
        kind=template_kind,
    )
    preview = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif "preview" in request.POST:
            preview = notice_editing.preview_letter(
                form.template(), agency=_preview_agency(request, found)
            )
        else:
            try:
                notice_editing.save_notice_template(
                    found.agency,
                    kind=template_kind,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    actor=user,
                )
            except InfoRequestPermissionDenied as error:
                return _refuse(request, error.message)
            except InfoRequestError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "The template “%(kind)s” of %(scope)s is saved. Notices issued from now "
                        "on use it; notices already issued do not change."
                    )
                    % {"kind": template_kind.label, "scope": found.name},
                )
                return HttpResponseRedirect(found.url("notice_templates"))
    builtin = letters.builtin_template(kind)
    return render(
        request,
        "info_requests/staff/templates/edit.html",
        {
            "scope": found,
            "kind": template_kind,
            "form": form,
            "own": own is not None,
            # An agency's own template is reverted to the default; the defaults, once edited,
            # to the built-in text.
            "can_revert": (
                own is not None and (not found.is_default or (own.title, own.body) != builtin)
            ),
            "preview": preview,
            "placeholders": _placeholder_list(),
            "list_url": found.url("notice_templates"),
            "revert_url": found.url("revert_notice_template", kind),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@template_editor_required
def revert_template(request: HttpRequest, scope: str, kind: str) -> HttpResponse:
    """Asks to confirm (GET), then deletes the scope's own template (POST): the agency uses
    the default again; for the defaults, the built-in text comes back."""
    found = _scope(request, scope)
    if isinstance(found, HttpResponse):
        return found
    template_kind = _kind(kind)
    own = notice_editing.templates_of(found.agency).filter(kind=kind).first()
    list_url = found.url("notice_templates")
    if request.method == "POST":
        try:
            reverted = notice_editing.revert_notice_template(
                found.agency, kind=template_kind, actor=staff_user(request)
            )
        except InfoRequestPermissionDenied as error:
            return _refuse(request, error.message)
        if reverted is None:
            messages.info(request, _("There was nothing to revert."))
        elif found.is_default:
            messages.success(
                request,
                _("The default template “%(kind)s” is the built-in text again.")
                % {"kind": template_kind.label},
            )
        else:
            messages.success(
                request,
                _(
                    "%(agency)s uses the default template “%(kind)s” again. Notices already "
                    "issued do not change."
                )
                % {"agency": found.name, "kind": template_kind.label},
            )
        return HttpResponseRedirect(list_url)
    if own is None:
        messages.info(request, _("There was nothing to revert."))
        return HttpResponseRedirect(list_url)
    return render(
        request,
        "info_requests/staff/templates/revert.html",
        {
            "scope": found,
            "kind": template_kind,
            "template": own,
            "list_url": list_url,
            "edit_url": found.url("edit_notice_template", kind),
        },
    )


# --------------------------------------------------------------------------- settings


def _inherited_settings(scope: Scope) -> dict[str, str]:
    """What each setting left empty stands for: the defaults' value, else the built-in one
    (for the reconsideration body of the defaults: each agency's parent, else the generic)."""
    default = None if scope.is_default else notice_editing.settings_of(None).first()
    if scope.agency is not None and scope.agency.parent is not None:
        body = scope.agency.parent.name
    else:
        body = letters.DEFAULT_RECONSIDERATION_BODY
    return {
        "number_pattern": (default and default.number_pattern) or DEFAULT_NOTICE_NUMBER_PATTERN,
        "reconsideration_body": (default and default.reconsideration_body) or body,
        "court": (default and default.court) or letters.DEFAULT_COURT,
    }


@require_http_methods(["GET", "POST"])
@template_editor_required
def edit_settings(request: HttpRequest, scope: str) -> HttpResponse:
    """The number pattern and the remedies bodies, each left empty inherited. "Preview" shows
    the example number and the remedies paragraph as typed, saving nothing."""
    found = _scope(request, scope)
    if isinstance(found, HttpResponse):
        return found
    row = notice_editing.settings_of(found.agency).first()
    inherited = _inherited_settings(found)
    shown = dict(inherited)  # in the empty fields
    if found.is_default:
        shown["reconsideration_body"] = _("each agency's parent body, else “%(body)s”") % {
            "body": letters.DEFAULT_RECONSIDERATION_BODY
        }
    initial = {
        name: getattr(row, name) if row is not None else ""
        for name in ("number_pattern", "reconsideration_body", "court")
    }
    form = NoticeSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, inherited=shown
    )
    values = initial
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif "preview" in request.POST:
            values = form.cleaned_data
        else:
            try:
                notice_editing.save_notice_settings(
                    found.agency, actor=staff_user(request), **form.cleaned_data
                )
            except InfoRequestPermissionDenied as error:
                return _refuse(request, error.message)
            except InfoRequestError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "The notice settings of %(scope)s are saved. Notices issued from now on "
                        "use them; notices already issued do not change."
                    )
                    % {"scope": found.name},
                )
                return HttpResponseRedirect(found.url("notice_templates"))
    effective = {name: values.get(name) or inherited[name] for name in inherited}
    return render(
        request,
        "info_requests/staff/templates/settings.html",
        {
            "scope": found,
            "form": form,
            "previewed": status == 200 and request.method == "POST",
            "example_number": notice_editing.example_number(
                effective["number_pattern"], found.agency
            ),
            "remedies": letters.REMEDIES.format(
                body=effective["reconsideration_body"], court=effective["court"]
            ),
            "list_url": found.url("notice_templates"),
        },
        status=status,
    )
