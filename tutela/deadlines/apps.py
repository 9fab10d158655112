from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "tutela.deadlines"
    label = "deadlines"
