from django.contrib import admin

from tutela.protocol.models import ProtocolRegister


@admin.register(ProtocolRegister)
class ProtocolRegisterAdmin(admin.ModelAdmin):
    list_display = ["code", "aoo_code", "name", "organisation"]
