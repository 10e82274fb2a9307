"""Administration of what ``core`` owns: users, the working-day calendar, the audit trail and
the outbox.

Calendar changes made here go through the services of :mod:`gongkai.core.calendar` (permission,
audit entry, refreshed working-day table); the audit trail and serial counters are read-only, and
so is the outbox apart from its "send again" action (:func:`gongkai.core.mail.retry_mail`).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.admin_deletion import PreloadedDeletionMixin
from gongkai.core.calendar import (
    CalendarError,
    add_calendar_year,
    can_edit_calendar,
    check_calendar_day,
    clear_calendar_day,
    import_calendar_csv,
    set_calendar_day,
    set_calendar_year_notice,
)
from gongkai.core.mail import can_retry_mail, retry_mail
from gongkai.core.models import (
    AuditEntry,
    CalendarDay,
    CalendarYear,
    OutgoingMail,
    SerialCounter,
    User,
)
from gongkai.core.two_factor import TwoFactorError, reset_two_factor


def _actor(request: HttpRequest) -> User:
    # The admin site lets only signed-in staff through, so the user is a real account.
    return cast(User, request.user)


# --- Users ---------------------------------------------------------------------------------


@admin.register(User)
class UserAdmin(PreloadedDeletionMixin, BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("full_name", "phone", "email", "first_name", "last_name")},
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Personal info"), {"classes": ("wide",), "fields": ("full_name", "phone", "email")}),
    )
    list_display = (
        "username",
        "full_name",
        "email",
        "phone",
        "is_staff",
        "is_active",
        "two_factor",
    )
    search_fields = ("username", "full_name", "first_name", "last_name", "email")
    actions = ["reset_second_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(enrolled))

    @admin.display(description=_("two-step sign-in"), boolean=True)
    def two_factor(self, obj: User) -> bool:
        return bool(getattr(obj, "has_authenticator", False))

    @admin.action(
        description=_("Reset two-step sign-in (lost phone): set up again at next sign-in"),
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Through :func:`gongkai.core.two_factor.reset_two_factor`, one audit entry a user."""
        done = 0
        for user in queryset:
            try:
                reset_two_factor(user, actor=_actor(request))
            except TwoFactorError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            done += 1
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in reset for %(count)d user.",
                "Two-step sign-in reset for %(count)d users.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


# django-otp's own admin pages would let an administrator add an authenticator with a secret
# they know (sign-in as someone else) or delete one without an audit entry; the audited reset
# above is the one way an administrator touches a user's second factor (decision 0026).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


# --- Working-day calendar -------------------------------------------------------------------


def _day_count(kind: str) -> Coalesce:
    counts = (
        CalendarDay.objects.filter(date__year=OuterRef("year"), kind=kind)
        .order_by()
        .values("kind")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "notice"]


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("Columns date,kind,name; UTF-8 or GB18030."),
    )
    text = forms.CharField(
        label=_("or paste the rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
    )
    notice = forms.CharField(
        label=_("State Council notice number"),
        required=False,
        max_length=200,
        help_text=_("For example 国办发明电〔2025〕7号."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("text", "").strip():
            raise forms.ValidationError(_("Choose a CSV file or paste its rows."))
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    change_list_template = "admin/core/calendaryear/change_list.html"
    list_display = ("year", "source", "notice", "holiday_count", "workday_count", "updated_at")
    list_filter = ("source",)
    search_fields = ("notice",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                holidays=_day_count(CalendarDay.Kind.HOLIDAY),
                workdays=_day_count(CalendarDay.Kind.SWAPPED_WORKDAY),
            )
        )

    @admin.display(description=_("holidays"), ordering="holidays")
    def holiday_count(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "holidays", 0))

    @admin.display(description=_("swapped working days"), ordering="workdays")
    def workday_count(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "workdays", 0))

    @admin.display(description=_("holidays and swapped working days"))
    def days_listing(self, obj: CalendarYear) -> str:
        days = CalendarDay.objects.filter(date__year=obj.year).order_by("date")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (day.date.isoformat(), WEEKDAYS[day.date.weekday()], day.get_kind_display(), name)
                for day in days
                for name in [day.name]
            ),
        )
        link = format_html(
            '<a href="{}?year={}">{}</a>',
            reverse("admin:core_calendarday_changelist"),
            obj.year,
            gettext("Edit these days"),
        )
        if not rows:
            return format_html(
                "<p>{}</p><p>{}</p>", gettext("None yet: plain weekdays all year."), link
            )
        return format_html("<table>{}</table><p>{}</p>", rows, link)

    def get_fields(self, request: HttpRequest, obj: CalendarYear | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("year", "notice")
        return ("year", "source", "notice", "updated_at", "days_listing")

    def get_readonly_fields(
        self, request: HttpRequest, obj: CalendarYear | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return ["year", "source", "updated_at", "days_listing"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_calendar(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_calendar(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Removing a year would make every deadline touching it fail: years are only added.
        return False

    def save_model(
        self, request: HttpRequest, obj: CalendarYear, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            set_calendar_year_notice(obj, notice=obj.notice, actor=_actor(request))
            return
        created = add_calendar_year(obj.year, actor=_actor(request), notice=obj.notice)
        obj.pk = created.pk
        obj.source = created.source
        obj.updated_at = created.updated_at

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="core_calendaryear_import",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Import a year's arrangement (CSV): every row is checked before anything is written."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        errors: list[str] = []
        summary = ""
        if request.method == "POST":
            form = CalendarImportForm(request.POST, request.FILES)
            if form.is_valid():
                source = form.cleaned_data["file"] or form.cleaned_data["text"]
                try:
                    years = import_calendar_csv(
                        source, actor=_actor(request), notice=form.cleaned_data["notice"]
                    )
                except CalendarError as error:
                    summary, errors = str(error), error.errors
                else:
                    names = ", ".join(str(year.year) for year in years)
                    messages.success(
                        request,
                        ngettext(
                            "The arrangement for {years} was imported.",
                            "The arrangements for {years} were imported.",
                            len(years),
                        ).format(years=names),
                    )
                    return HttpResponseRedirect(reverse("admin:core_calendaryear_changelist"))
        else:
            form = CalendarImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a year's arrangement (CSV)"),
            "form": form,
            "summary": summary,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/core/calendaryear/import.html", context)


class CalendarDayYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarYear.objects.order_by("-year").values_list("year", flat=True)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("date") or (self.instance.date if self.instance.pk else None)
        kind = cleaned.get("kind")
        if day and kind:
            try:
                check_calendar_day(day, kind=kind, name=cleaned.get("name", ""))
            except CalendarError as error:
                raise forms.ValidationError(error.errors) from error
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind", CalendarDayYearFilter)
    search_fields = ("name",)

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def get_readonly_fields(
        self, request: HttpRequest, obj: CalendarDay | None = None
    ) -> tuple[str, ...]:
        return ("date",) if obj is not None else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_calendar(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_calendar(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_calendar(request.user)

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: forms.ModelForm, change: bool
    ) -> None:
        saved = set_calendar_day(obj.date, kind=obj.kind, name=obj.name, actor=_actor(request))
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        clear_calendar_day(obj.date, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset.order_by("date").values_list("date", flat=True):
            clear_calendar_day(day, actor=_actor(request))


# --- Read-only records ------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to those with the view permission; nobody adds, changes or deletes here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "address", "kind", "action", "object_repr")
    list_filter = ("kind", "action")
    search_fields = ("object_repr", "actor_name")


@admin.register(SerialCounter)
class SerialCounterAdmin(ReadOnlyAdmin):
    list_display = ("scope", "last_value")
    search_fields = ("scope",)


# --- Outbox -----------------------------------------------------------------------------------


class OutgoingMailStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("waiting", _("waiting")),
            ("sent", _("sent")),
            ("given_up", _("given up")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "waiting":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if value == "sent":
            return queryset.filter(sent_at__isnull=False)
        if value == "given_up":
            return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """The outbox, without recipients, subjects or bodies (personal data operators do not need
    to tell a stuck mail server from a working one)."""

    list_display = ("id", "topic", "created_at", "sent_at", "attempts", "failed_at")
    list_filter = (OutgoingMailStateFilter, "topic")
    fields = (
        "id",
        "topic",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "failed_at",
        "last_error",
    )
    readonly_fields = fields
    actions = ["retry_now"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return can_retry_mail(request.user)

    @admin.action(description=_("Send the selected mails again now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        count = retry_mail(queryset, actor=_actor(request))
        self.message_user(
            request,
            ngettext(
                "{count} mail will be sent at the next run of the mail queue.",
                "{count} mails will be sent at the next run of the mail queue.",
                count,
            ).format(count=count),
            messages.SUCCESS,
        )
