from django.contrib import admin

from tutela.core.admin import BidiSafeAdminMixin
from tutela.court.models import JudicialAuthority


@admin.register(JudicialAuthority)
class JudicialAuthorityAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    """The list of judicial authorities is reference data kept by the system administrator."""

    list_display = ("name", "kind", "seat", "organisation", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "seat")
