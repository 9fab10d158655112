from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tutela.accounts"
    label = "accounts"

    def ready(self) -> None:
        from tutela.accounts import signals  # noqa: F401  (connects the login receivers)
