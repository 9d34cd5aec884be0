from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "samspil.transitions"
    default_auto_field = "django.db.models.BigAutoField"
