"""The staff workbench's shell: sign-in and sign-out, my queue, agency switcher, audit trail."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import (
    agencies_visible_to,
    audit_entries_visible_to,
    can_view_audit_trail,
    has_role,
)
from gongkai.agencies.selectors import site_identity
from gongkai.core.models import AuditEntry, User
from gongkai.core.passwords import max_age, password_changed_at
from gongkai.core.two_factor import (
    RESET_ACTION,
    TwoFactorError,
    authenticator_of,
    authenticator_uri,
    backup_codes_left,
    check_code,
    confirm_enrolment,
    passed_second_factor,
    pending_authenticator,
    replace_backup_codes,
    secret_of,
    start_enrolment,
    two_factor_required,
)
from gongkai.workbench.forms import (
    AgencySwitchForm,
    AuditFilterForm,
    EnrolmentForm,
    SecondFactorForm,
    SignInForm,
)
from gongkai.workbench.queue import queue_for
from gongkai.workbench.selectors import filter_audit_entries, roles_by_agency
from gongkai.workbench.session import choose_agency, current_agency, workbench_agencies

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
    """The password, the first step. Django's ``login`` gives the session a new key (no
    session fixation); with two-factor sign-in on, the second step's page comes next."""

    template_name = "workbench/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if two_factor_required():
            return _with_next(reverse("workbench:two_factor"), url)
        return url


class SignOutView(auth_views.LogoutView):
    """Sign-out by POST only (Django's LogoutView refuses GET)."""


# --- The second step (decision 0026) ----------------------------------------------------------


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second step: the page first asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("workbench:home")


def _verified(request: HttpRequest) -> bool:
    return not two_factor_required() or passed_second_factor(request.user)


def _complete_sign_in(request: HttpRequest, device: Any) -> None:
    """The session passed both steps: remember the device, and give the session a new key
    again — the password-only session's key must not open the verified one."""
    django_otp.login(request, device)
    request.session.cycle_key()


def _qr_code(uri: str) -> SafeString:
    """The QR code of ``uri`` as inline SVG: drawn here, nothing loaded from elsewhere."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]
    # Our own drawing of paths and a rectangle; no text from a user is in it.
    return mark_safe(svg)


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a backup code.

    A wrong code counts towards the sign-in lockout of the account and the address (Axes,
    decision 0025) like a wrong password; when it locks, the session ends. The authenticator
    also waits longer after each wrong code (django-otp)."""
    user = staff_user(request)
    next_url = _next_url(request)
    if _verified(request):
        return HttpResponseRedirect(next_url)
    if authenticator_of(user) is None:
        return HttpResponseRedirect(_with_next(reverse("workbench:two_factor_enrol"), next_url))
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return get_lockout_response(request, credentials=credentials)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = check_code(user, form.cleaned_data["code"])
        if result.passed:
            _complete_sign_in(request, result.device)
            if result.backup_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "You signed in with a backup code; %(count)d are left. Make new ones "
                        "on your account page if you are running out."
                    )
                    % {"count": result.backup_codes_left},
                )
            return HttpResponseRedirect(next_url)
        if result.wait_until is not None:
            form.add_error(
                "code", _("Too many wrong codes in a row. Wait a moment, then try again.")
            )
        else:
            AxesProxyHandler.user_login_failed(
                sender=two_factor, credentials=credentials, request=request
            )
            if getattr(request, "axes_locked_out", False):
                logout(request)  # Axes' middleware answers with the lockout page
                return get_lockout_response(request, credentials=credentials)
            form.add_error(
                "code",
                _(
                    "That code is not correct. Type the code your app shows now, or one of "
                    "your backup codes."
                ),
            )
    return render(request, "workbench/two_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator at the first sign-in: the secret as a QR code and as text,
    confirmed with a first code; the backup codes are shown once, on the answer."""
    user = staff_user(request)
    next_url = _next_url(request)
    if _verified(request):
        return HttpResponseRedirect(next_url)
    if authenticator_of(user) is not None:
        return HttpResponseRedirect(_with_next(reverse("workbench:two_factor"), next_url))
    device = pending_authenticator(user) if request.method == "POST" else None
    expired = request.method == "POST" and device is None  # its secret was dropped meanwhile
    if device is None:
        device = start_enrolment(user)
        form = EnrolmentForm()
    else:
        form = EnrolmentForm(request.POST)
        if form.is_valid():
            try:
                codes = confirm_enrolment(device, form.cleaned_data["code"], actor=user)
            except TwoFactorError as error:
                form.add_error("code", str(error))
            else:
                _complete_sign_in(request, device)
                return render(
                    request,
                    "workbench/backup_codes.html",
                    {"codes": codes, "next": next_url, "enrolled": True},
                )
    issuer = site_identity().site_name
    return render(
        request,
        "workbench/two_factor_enrol.html",
        {
            "form": form,
            "expired": expired,
            "next": next_url,
            "qr_code": _qr_code(authenticator_uri(device, issuer=issuer)),
            "secret": " ".join(secret_of(device)[i : i + 4] for i in range(0, 32, 4)),
            "issuer": issuer,
        },
    )


@never_cache
@require_POST
@login_required
def new_backup_codes(request: HttpRequest) -> HttpResponse:
    """Replace one's backup codes (the old ones stop working); the new ones shown once."""
    user = staff_user(request)
    try:
        codes = replace_backup_codes(user, actor=user)
    except TwoFactorError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("workbench:account"))
    return render(
        request,
        "workbench/backup_codes.html",
        {"codes": codes, "next": reverse("workbench:account"), "enrolled": False},
    )


SIGN_IN_HISTORY = 50  # entries on the account page
SIGN_IN_EVENTS = {
    "auth.sign_in": gettext_lazy("signed in"),
    "auth.sign_out": gettext_lazy("signed out"),
    "auth.sign_in_failed": gettext_lazy("failed sign-in"),
    "auth.second_factor": gettext_lazy("second step passed"),
    "auth.second_factor_failed": gettext_lazy("wrong code at the second step"),
    "auth.two_factor_enrolled": gettext_lazy("two-step sign-in set up"),
    "auth.backup_codes_replaced": gettext_lazy("new backup codes made"),
    RESET_ACTION: gettext_lazy("two-step sign-in reset by an administrator"),
}


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
    their two-step sign-in, and the recent sign-ins, second steps and failed attempts under
    their user name (with addresses)."""
    user = staff_user(request)
    changed = password_changed_at(user)
    limit = max_age()
    found = AuditEntry.objects.filter(
        Q(kind=AuditEntry.Kind.SIGN_IN, actor=user)
        | Q(action="auth.sign_in_failed", details__username=user.get_username())
        | Q(action=RESET_ACTION, object_type=user._meta.label_lower, object_id=str(user.pk))
    ).order_by("-created_at", "-id")[:SIGN_IN_HISTORY]
    entries = list(found)
    for entry in entries:
        entry.event = SIGN_IN_EVENTS.get(entry.action, entry.action)  # type: ignore[attr-defined]
    authenticator = authenticator_of(user)
    return render(
        request,
        "workbench/account.html",
        {
            "roles_by_agency": roles_by_agency(user),
            "password_changed_at": changed,
            "password_expires_at": changed + limit if changed and limit else None,
            "entries": entries,
            "two_factor_required": two_factor_required(),
            "authenticator": authenticator,
            "backup_codes_left": backup_codes_left(user) if authenticator else None,
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
            "roles_by_agency": roles_by_agency(
                request.user,  # type: ignore[arg-type]
                agencies=workbench_agencies(request),
            ),
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
