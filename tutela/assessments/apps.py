from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tutela.assessments"
    label = "assessments"
