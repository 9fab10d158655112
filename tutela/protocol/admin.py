from django.contrib import admin

from tutela.core.admin import BidiSafeAdminMixin
from tutela.protocol.models import ProtocolRegister


@admin.register(ProtocolRegister)
class ProtocolRegisterAdmin(BidiSafeAdminMixin, admin.ModelAdmin):
    list_display = ["code", "aoo_code", "name", "organisation"]
