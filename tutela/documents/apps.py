from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tutela.documents"
    label = "documents"
