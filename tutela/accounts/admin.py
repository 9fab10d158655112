"""Administration of users, organisations and territory settings. Case data is never exposed here:
it is reachable only through the access helper."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tutela.accounts.models import Membership, Municipality, Organisation, Team, Territory, User
from tutela.core.admin import BidiSafeAdminMixin


class MembershipInline(BidiSafeAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BidiSafeAdminMixin, BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Tutela", {"fields": ("profession",)}))  # type: ignore[misc]


@admin.register(Organisation)
class OrganisationAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "territory", "email", "active"]
    list_filter = ["kind", "active", "territory"]
    search_fields = ["name"]
    autocomplete_fields = ["municipality"]


@admin.register(Territory)
class TerritoryAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = ["name", "lead_municipality", "take_in_charge_days"]
    filter_horizontal = ["municipalities"]
    autocomplete_fields = ["lead_municipality"]


@admin.register(Team)
class TeamAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation"]


@admin.register(Municipality)
class MunicipalityAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = ["name", "province_abbr", "istat_code", "belfiore_code", "population"]
    search_fields = ["name", "istat_code", "belfiore_code"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
