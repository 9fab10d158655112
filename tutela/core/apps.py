from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tutela.core"
    label = "core"
