from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samspil.audit"
    default_auto_field = "django.db.models.BigAutoField"
