from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tutela.meetings"
    label = "meetings"
    verbose_name = "Équipe, riunioni e incontri protetti"
