"""Django admin for configuration: agencies, membership, staff roles, the site identity.

Every save goes through ``services`` (permission check, validation, audit entry); access follows
the predicates of ``permissions`` rather than Django's model permissions, so the admin never
allows what the services would refuse. Membership changes are history: they are added, never
changed or deleted. Staff roles are granted and revoked, never edited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.agencies import permissions, services
from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity, StaffRole
from gongkai.core.models import User
from gongkai.core.singletons import register_singleton, singleton_exists

register_singleton(SiteIdentity)  # the admin asks whether it exists on every page


def _mark_saved(obj: Any, saved: Any) -> None:
    """Let the admin's own bookkeeping (log entry, redirect) see the row a service created."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


def _actor(request: HttpRequest) -> User | None:
    return permissions.active_user(request.user)


def _form_values(form: forms.ModelForm, names: list[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "org_code", "parent", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug", "org_code"]
    list_select_related = ["parent"]
    ordering = ["sort_order", "id"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_agency(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_agency(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_agency(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_agency(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Agencies carry history (membership, documents, requests); they are never deleted.
        return False

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if change:
            services.update_agency(
                obj, actor=_actor(request), **_form_values(form, list(form.changed_data))
            )
        else:
            created = services.create_agency(
                actor=_actor(request), **_form_values(form, list(form.fields))
            )
            _mark_saved(obj, created)


class MembershipChangeForm(forms.ModelForm):
    class Meta:
        model = MembershipChange
        fields = ["agency", "change", "date", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        agency, change, date = cleaned.get("agency"), cleaned.get("change"), cleaned.get("date")
        if agency is not None and change and date is not None:
            try:
                services.check_membership_change(agency, change=change, date=date)
            except services.AgencyError as error:
                raise ValidationError(str(error)) from error
        return cleaned


@admin.register(MembershipChange)
class MembershipChangeAdmin(admin.ModelAdmin):
    form = MembershipChangeForm
    list_display = ["date", "agency", "change", "reason", "recorded_by", "recorded_at"]
    list_filter = ["change", "agency__kind"]
    search_fields = ["agency__name", "agency__short_name", "reason"]
    date_hierarchy = "date"
    list_select_related = ["agency", "recorded_by"]
    autocomplete_fields = ["agency"]
    ordering = ["-date", "-id"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_record_membership(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_record_membership(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_record_membership(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: MembershipChange, form: Any, change: bool
    ) -> None:
        created = services.record_membership_change(
            obj.agency,
            actor=_actor(request),
            change=obj.change,
            date=obj.date,
            reason=obj.reason,
        )
        _mark_saved(obj, created)


class StaffRoleForm(forms.ModelForm):
    # A second grant of the same role is refused by the model's unique constraint, which the
    # form validates; who granted it is set by the service.
    class Meta:
        model = StaffRole
        fields = ["user", "agency", "role"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    form = StaffRoleForm
    list_display = ["user", "agency", "role", "granted_at", "granted_by"]
    list_filter = ["role", "agency__kind"]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__short_name"]
    list_select_related = ["user", "agency", "granted_by"]
    autocomplete_fields = ["agency"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_grant_role(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_grant_role(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_grant_role(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_grant_role(request.user, getattr(obj, "agency", None))

    def save_model(self, request: HttpRequest, obj: StaffRole, form: Any, change: bool) -> None:
        created = services.grant_role(
            obj.user, agency=obj.agency, role=obj.role, actor=_actor(request)
        )
        _mark_saved(obj, created)

    def delete_model(self, request: HttpRequest, obj: StaffRole) -> None:
        services.revoke_role(obj.user, agency=obj.agency, role=obj.role, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StaffRole]) -> None:
        for staff_role in queryset.select_related("user", "agency"):
            self.delete_model(request, staff_role)


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    list_display = ["site_name", "government", "sponsor", "website_code", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_edit_site_identity(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_edit_site_identity(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: it is added once, then only changed.
        return permissions.can_edit_site_identity(request.user) and not singleton_exists(
            SiteIdentity
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_edit_site_identity(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SiteIdentity, form: Any, change: bool) -> None:
        names = list(form.changed_data) if change else list(form.fields)
        saved = services.update_site_identity(actor=_actor(request), **_form_values(form, names))
        _mark_saved(obj, saved)
