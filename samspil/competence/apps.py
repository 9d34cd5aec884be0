from django.apps import AppConfig


class CompetenceConfig(AppConfig):
    name = "samspil.competence"
    default_auto_field = "django.db.models.BigAutoField"
