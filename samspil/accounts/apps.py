from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samspil.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from samspil.accounts import signals  # noqa: F401
