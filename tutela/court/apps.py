from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "tutela.court"
    label = "court"
    verbose_name = "Autorità giudiziaria"
