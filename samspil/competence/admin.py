from django.contrib import admin

from samspil.competence.models import CompetenceSettings, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "for_consultative_courses"]
    search_fields = ["name"]


@admin.register(CompetenceSettings)
class CompetenceSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["municipality", "group_sessions_per_year", "late_cancellation_hours"]
    filter_horizontal = ["consultative_institutions"]
    autocomplete_fields = ["municipality"]
