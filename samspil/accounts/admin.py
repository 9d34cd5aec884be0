"""Accounts in the admin: an administrator creates users and grants roles, and every change of
a role is audited. An administrator cannot grant roles to themselves (no back door)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from samspil.accounts.models import Membership, User
from samspil.audit.services import log_action


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "institution"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "phone")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
    )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if (
            formset.model is Membership
            and form.instance.pk == request.user.pk
            and formset.has_changed()
        ):
            raise PermissionDenied("Administrators cannot change their own roles.")
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            log_action(
                "accounts.role.revoke",
                actor=request.user,
                municipality_id=obj.municipality_id,
                data={"user": obj.user.username, "role": obj.role, "via": "admin"},
            )
            obj.delete()
        for obj in instances:
            obj.save()
            log_action(
                "accounts.role.grant",
                actor=request.user,
                municipality_id=obj.municipality_id,
                data={"user": obj.user.username, "role": obj.role, "via": "admin"},
            )
        formset.save_m2m()
