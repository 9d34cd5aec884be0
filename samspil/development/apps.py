from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "samspil.development"
    default_auto_field = "django.db.models.BigAutoField"
