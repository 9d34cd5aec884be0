from django.contrib import admin

from samspil.hotline.models import CallTopic


@admin.register(CallTopic)
class CallTopicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "active", "position"]
    search_fields = ["name"]
