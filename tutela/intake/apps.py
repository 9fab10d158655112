from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tutela.intake"
    label = "intake"
