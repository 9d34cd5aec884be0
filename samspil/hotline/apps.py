from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "samspil.hotline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each person's hotline shifts on their year calendar and in their iCalendar feed.
        from samspil.competence.selectors.calendar import register_calendar_provider
        from samspil.hotline.selectors.rota import hotline_shifts

        register_calendar_provider(hotline_shifts)
