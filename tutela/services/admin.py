from django.contrib import admin

from tutela.services.models import ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
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
