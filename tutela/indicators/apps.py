from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "tutela.indicators"
    label = "indicators"
    verbose_name = "Indicatori e obiettivi"
