from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "samspil.networks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Network meetings on the year calendar and in the iCalendar feed.
        from samspil.competence.selectors.calendar import register_calendar_provider
        from samspil.networks.selectors.meetings import network_meetings

        register_calendar_provider(network_meetings)
