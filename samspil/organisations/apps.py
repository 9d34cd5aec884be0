from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "samspil.organisations"
    default_auto_field = "django.db.models.BigAutoField"
