"""The Django admin holds configuration only: organisations and their settings. Personal data
(families, children, placements) and the audit log are deliberately not registered."""

from django.contrib import admin

from samspil.organisations.models import Collaboration, CompetenceArea, Institution, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "region", "engagement_grace_days"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "name", "region"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CompetenceArea)
class CompetenceAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["name"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "owner_kind", "municipality"]
    list_filter = ["kind", "owner_kind"]
    search_fields = ["name"]
    filter_horizontal = ["competence_areas"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "starts_on", "ends_on"]
    filter_horizontal = ["municipalities", "institutions"]
