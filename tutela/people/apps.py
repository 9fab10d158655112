from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tutela.people"
    label = "people"
