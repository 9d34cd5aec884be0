from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_shipped_instruments(sender: AppConfig, **kwargs: Any) -> None:
    """Keep the shipped instrument definitions in the database after every migrate (a changed
    definition becomes a new version; answers keep theirs)."""
    from samspil.measures.services.instruments import sync_shipped

    sync_shipped()


class MeasuresConfig(AppConfig):
    name = "samspil.measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_sync_shipped_instruments, sender=self)
