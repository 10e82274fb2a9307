"""A citizen's account pages: sign up, confirm the address, sign in and out, reset the password,
and "my applications" with the form that claims an earlier application.

The account is optional: applying and the status page work without it. Pages never say whether
an address has an account; a signed-in citizen reaches only the applications listed under their
own account (any other number is a 404). Repeated failures and mail-sending forms from one
address are refused for an hour.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gongkai.citizens import services, tokens
from gongkai.citizens.forms import (
    PasswordResetRequestForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
)
from gongkai.citizens.models import CitizenAccount
from gongkai.citizens.selectors import applications_of, own_application
from gongkai.citizens.session import end_session, start_session
from gongkai.citizens.throttle import CLAIM_FAILURES, MAIL_FORMS_PER_ADDRESS, SIGN_IN_FAILURES
from gongkai.core import captcha
from gongkai.core.middleware import client_address
from gongkai.info_requests.forms import StatusLookupForm

PAGE_SIZE = 20

View = Callable[..., HttpResponse]


def _citizen(request: HttpRequest) -> CitizenAccount | None:
    return getattr(request, "citizen", None)


def _address(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def _safe_next(request: HttpRequest, candidate: str) -> str:
    """``candidate`` when it is a path on this site, else "my applications"."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("citizens:applications")


def _to_sign_in(request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('citizens:sign_in')}?{query}")


def citizen_required(view: View) -> View:
    """Signed in as a citizen; otherwise to the sign-in page, and back here afterwards.
    The view gets the signed-in account after the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = _citizen(request)
        if citizen is None:
            return _to_sign_in(request)
        return view(request, citizen, *args, **kwargs)

    return wrapper


def _apply_error(form: Any, error: services.CitizenError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _too_many(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**context, "blocked": True}, status=429)


# --------------------------------------------------------------------------- signing up


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Open an account: the address, a name and a password; then a confirmation mail."""
    template = "citizens/sign_up.html"
    if _citizen(request) is not None:
        return redirect("citizens:applications")
    if request.method != "POST":
        return render(request, template, {"form": captcha.protect(request, SignUpForm())})
    form = captcha.protect(request, SignUpForm(request.POST))
    if not form.is_valid():
        return render(request, template, {"form": form})
    if MAIL_FORMS_PER_ADDRESS.reached(_address(request)):
        return _too_many(request, template, {"form": form})
    try:
        services.sign_up(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            password=form.cleaned_data["password"],
        )
    except services.CitizenError as error:
        _apply_error(form, error)
        return render(request, template, {"form": form})
    MAIL_FORMS_PER_ADDRESS.count(_address(request))
    return redirect("citizens:sign_up_done")


@never_cache
@require_safe
def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "citizens/sign_up_done.html", {"days": tokens.VERIFY_MAX_AGE.days})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the address with the mailed link: a page with a button (a link opened by a mail
    scanner changes nothing), then the sign-in page."""
    template = "citizens/verify.html"
    if request.method != "POST":
        valid = tokens.account_for_verify_token(token) is not None
        return render(request, template, {"valid": valid}, status=200 if valid else 400)
    try:
        services.confirm_email(token)
    except services.CitizenError as error:
        return render(request, template, {"valid": False, "error": error.message}, status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
    return redirect("citizens:sign_in")


# --------------------------------------------------------------------------- signing in and out


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    template = "citizens/sign_in.html"
    next_url = request.POST.get("next") or request.GET.get("next", "")
    next_url = next_url[:1000]
    if _citizen(request) is not None:
        return redirect(_safe_next(request, next_url))
    context: dict[str, Any] = {"next": next_url}
    if request.method != "POST":
        return render(
            request, template, {**context, "form": captcha.protect(request, SignInForm())}
        )
    form = captcha.protect(request, SignInForm(request.POST))
    context["form"] = form
    if SIGN_IN_FAILURES.reached(_address(request)):
        return _too_many(request, template, context)
    if not form.is_valid():
        return render(request, template, context)
    try:
        account = services.sign_in(
            email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
    except services.CitizenError as error:
        if error.code == "refused":
            SIGN_IN_FAILURES.count(_address(request))
        form.add_error(None, error.message)
        return render(request, template, context)
    start_session(request, account)
    return redirect(_safe_next(request, next_url))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, with the CSRF token: a link cannot sign anyone out)."""
    account = _citizen(request)
    if account is not None:
        services.record_sign_out(account)
    end_session(request)
    messages.success(request, _("You have signed out."))
    return redirect("citizens:sign_in")  # which shows the message at once


# --------------------------------------------------------------------------- password reset


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the answer is the same whether the address has an account."""
    template = "citizens/password_reset.html"
    if request.method != "POST":
        form = captcha.protect(request, PasswordResetRequestForm())
        return render(request, template, {"form": form})
    form = captcha.protect(request, PasswordResetRequestForm(request.POST))
    if not form.is_valid():
        return render(request, template, {"form": form})
    if MAIL_FORMS_PER_ADDRESS.reached(_address(request)):
        return _too_many(request, template, {"form": form})
    try:
        services.request_password_reset(email=form.cleaned_data["email"])
    except services.CitizenError as error:
        _apply_error(form, error)
        return render(request, template, {"form": form})
    MAIL_FORMS_PER_ADDRESS.count(_address(request))
    return redirect("citizens:password_reset_done")


@never_cache
@require_safe
def password_reset_done(request: HttpRequest) -> HttpResponse:
    hours = int(tokens.RESET_MAX_AGE.total_seconds() // 3600)
    return render(request, "citizens/password_reset_done.html", {"hours": hours})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a new password with the mailed link; the link works once."""
    template = "citizens/password_reset_confirm.html"
    if tokens.account_for_reset_token(token) is None:
        return render(request, template, {"valid": False}, status=400)
    if request.method != "POST":
        form = captcha.protect(request, SetPasswordForm())
        return render(request, template, {"valid": True, "form": form})
    form = captcha.protect(request, SetPasswordForm(request.POST))
    if not form.is_valid():
        return render(request, template, {"valid": True, "form": form})
    try:
        services.reset_password(token, password=form.cleaned_data["password"])
    except services.CitizenError as error:
        if error.code == "invalid_link":
            return render(request, template, {"valid": False}, status=400)
        _apply_error(form, error)
        return render(request, template, {"valid": True, "form": form})
    # Whoever was signed in in this browser, the new password is for signing in again.
    if _citizen(request) is not None:
        end_session(request)
    messages.success(request, _("Your new password is set. You can sign in with it now."))
    return redirect("citizens:sign_in")


# --------------------------------------------------------------------------- my applications


def _applications_page(
    request: HttpRequest,
    citizen: CitizenAccount,
    claim_form: StatusLookupForm,
    *,
    blocked: bool = False,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(applications_of(citizen), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "citizens/applications.html",
        {"page": page, "claim_form": claim_form, "blocked": blocked},
        status=status,
    )


@never_cache
@require_safe
@citizen_required
def applications(request: HttpRequest, citizen: CitizenAccount) -> HttpResponse:
    """The applications listed under the signed-in citizen's account."""
    return _applications_page(request, citizen, captcha.protect(request, StatusLookupForm()))


@never_cache
@require_POST
@citizen_required
def claim(request: HttpRequest, citizen: CitizenAccount) -> HttpResponse:
    """List an earlier application under the account, with its tracking number and query code."""
    form = captcha.protect(request, StatusLookupForm(request.POST))
    if CLAIM_FAILURES.reached(_address(request)):
        return _applications_page(request, citizen, form, blocked=True, status=429)
    if not form.is_valid():
        return _applications_page(request, citizen, form)
    try:
        info_request = services.claim_request(
            citizen, number=form.cleaned_data["number"], code=form.cleaned_data["code"]
        )
    except services.CitizenError as error:
        if error.code == "no_match":
            CLAIM_FAILURES.count(_address(request))
        form.add_error(None, error.message)
        return _applications_page(request, citizen, form)
    messages.success(
        request,
        _("Application %(number)s is listed under your account.") % {"number": info_request.number},
    )
    return redirect("citizens:applications")


@never_cache
@require_safe
@citizen_required
def open_application(request: HttpRequest, citizen: CitizenAccount, number: str) -> HttpResponse:
    """The status page of one of the citizen's own applications, without the query code."""
    info_request = own_application(citizen, number)
    if info_request is None:
        raise Http404(_("No application of yours has this number."))
    return redirect("info_requests:status_detail", number=info_request.number)
