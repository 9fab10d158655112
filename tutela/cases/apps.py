from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tutela.cases"
    label = "cases"
