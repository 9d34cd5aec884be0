from django.contrib import admin

from samspil.networks.models import NetworkSettings


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["municipality", "min_group_size", "max_group_size", "cadence_days"]
    search_fields = ["municipality__name"]
