from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    name = "tutela.protocol"
    label = "protocol"
