from django.contrib import admin

from tutela.core.admin import BidiSafeAdminMixin
from tutela.returns.models import ReportingBody


@admin.register(ReportingBody)
class ReportingBodyAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    """Who sends the returns to INPS: set up by the system administrator, one per Comune or for the territory."""

    list_display = ["name", "territory", "municipality", "siuss_code", "seat"]
    list_filter = ["territory"]
    raw_id_fields = ["seat", "municipality"]
