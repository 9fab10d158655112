from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "tutela.services"
    label = "services"
