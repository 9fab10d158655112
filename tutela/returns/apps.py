from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "tutela.returns"
    label = "returns"
    verbose_name = "Debiti informativi"

    def ready(self) -> None:
        from tutela.returns import checks  # noqa: F401  (registers the deploy check)
