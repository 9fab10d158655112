from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "tutela.returns"
    label = "returns"
    verbose_name = "Debiti informativi"
