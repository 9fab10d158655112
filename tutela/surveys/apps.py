from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "tutela.surveys"
    label = "surveys"
    verbose_name = "Questionari di gradimento"
