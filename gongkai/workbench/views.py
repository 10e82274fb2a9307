"""The staff workbench's shell: sign-in and sign-out, my queue, agency switcher, audit trail."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import (
    agencies_visible_to,
    audit_entries_visible_to,
    can_view_audit_trail,
    has_role,
)
from gongkai.core.models import AuditEntry, User
from gongkai.core.passwords import max_age, password_changed_at
from gongkai.workbench.forms import AgencySwitchForm, AuditFilterForm, SignInForm
from gongkai.workbench.queue import queue_for
from gongkai.workbench.selectors import filter_audit_entries, roles_by_agency
from gongkai.workbench.session import choose_agency, current_agency

AUDIT_PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Signed in, and holding a role somewhere (or a superuser); otherwise a clear refusal."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_role(request.user, None):
            return render(request, "workbench/refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def staff_user(request: HttpRequest) -> User:
    """The signed-in member of staff of a view behind ``staff_required`` (or a stricter
    decorator), typed as the project's user."""
    return cast(User, request.user)


def refuse_action(
    request: HttpRequest,
    message: str,
    *,
    back: tuple[str, str] | None = None,
    to_list: tuple[str, str] | None = None,
) -> HttpResponse:
    """A 403 page saying why an action was refused, in the workbench's frame; nothing was
    changed. ``back`` is the (url, label) of the record acted on, ``to_list`` of the list to
    return to (my queue by default)."""
    back_url, back_label = back or ("", "")
    list_url, list_label = to_list or (reverse("workbench:home"), _("My queue"))
    context = {
        "message": message,
        "back_url": back_url,
        "back_label": back_label,
        "list_url": list_url,
        "list_label": list_label,
    }
    return render(request, "workbench/action_refused.html", context, status=403)


class SignInView(auth_views.LoginView):
    template_name = "workbench/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out by POST only (Django's LogoutView refuses GET)."""


SIGN_IN_HISTORY = 50  # entries on the account page


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the staff policy's validators apply; the session stays
    valid, every other session of the user ends — Django's session hash)."""

    template_name = "workbench/password.html"

    def get_success_url(self) -> str:
        return reverse("workbench:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: roles, when the password was changed and expires,
    and the recent sign-ins and failed attempts under their user name (with addresses)."""
    user = staff_user(request)
    changed = password_changed_at(user)
    limit = max_age()
    entries = AuditEntry.objects.filter(
        Q(kind=AuditEntry.Kind.SIGN_IN, actor=user)
        | Q(action="auth.sign_in_failed", details__username=user.get_username())
    ).order_by("-created_at")[:SIGN_IN_HISTORY]
    return render(
        request,
        "workbench/account.html",
        {
            "roles_by_agency": roles_by_agency(user),
            "password_changed_at": changed,
            "password_expires_at": changed + limit if changed and limit else None,
            "entries": entries,
        },
    )


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    return render(
        request,
        "workbench/home.html",
        {
            "queue": queue_for(request.user, agency),  # type: ignore[arg-type]
            "roles_by_agency": roles_by_agency(request.user),  # type: ignore[arg-type]
            "current_agency": agency,
        },
    )


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("workbench:home")


@require_POST
@staff_required
def switch_agency(request: HttpRequest) -> HttpResponse:
    """Work for another agency; refused (and nothing changed) unless the user may act for it."""
    form = AgencySwitchForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    agency: Agency | None = (
        agencies_visible_to(request.user).filter(pk=form.cleaned_data["agency"]).first()
    )
    if agency is None:
        raise PermissionDenied
    choose_agency(request, agency)
    messages.success(request, _("You are now working for %(agency)s.") % {"agency": agency.name})
    return HttpResponseRedirect(_safe_next(request))


@staff_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not can_view_audit_trail(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_visible_to(request.user)
    if form.is_bound and form.is_valid():
        entries = filter_audit_entries(entries, **form.cleaned_data)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries.order_by("-created_at", "-id"), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    agency_ids = {entry.agency_id for entry in page.object_list if entry.agency_id}
    agency_names = {
        pk: agency.name for pk, agency in Agency.objects.in_bulk(list(agency_ids)).items()
    }
    rows = [(entry, agency_names.get(entry.agency_id or 0, "")) for entry in page.object_list]
    return render(
        request,
        "workbench/audit.html",
        {"form": form, "page": page, "rows": rows},
    )
