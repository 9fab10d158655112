from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "tutela.reference"
    label = "reference"
