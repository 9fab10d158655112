from django.contrib import admin

from tutela.core.admin import BidiSafeAdminMixin
from tutela.reference.models import Code


@admin.register(Code)
class CodeAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = ["code_list", "code", "label", "active"]
    list_filter = ["code_list", "active"]
    search_fields = ["label"]
