from django.contrib import admin

from tutela.core.admin import BidiSafeAdminMixin
from tutela.services.models import ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "unit",
        "siuss_code",
        "nomenclatore_code",
        "fnps_level",
        "proposable",
        "active",
    ]
    list_filter = ["macro_area", "unit", "active", "proposable"]
    search_fields = ["code", "name"]
