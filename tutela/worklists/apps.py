from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "tutela.worklists"
    label = "worklists"
