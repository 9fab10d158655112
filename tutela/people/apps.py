from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PeopleConfig(AppConfig):
    name = "tutela.people"
    label = "people"

    def ready(self) -> None:
        from tutela.people.similarity import sqlite_functions_register

        connection_created.connect(sqlite_functions_register, dispatch_uid="tutela_similarity")
