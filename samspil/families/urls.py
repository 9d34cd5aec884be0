from django.urls import path

from samspil.families import views

app_name = "families"
urlpatterns = [
    path("families/", views.family_list, name="list"),
    path("families/create/", views.family_create, name="create"),
    path("families/<uuid:uuid>/", views.family_detail, name="detail"),
    path("families/<uuid:uuid>/edit/", views.family_edit, name="edit"),
    path("families/<uuid:uuid>/consultant/", views.reassign_consultant, name="reassign_consultant"),
    path("families/<uuid:uuid>/parents/create/", views.parent_create, name="parent_create"),
    path(
        "families/<uuid:uuid>/parents/<uuid:parent_uuid>/edit/",
        views.parent_edit,
        name="parent_edit",
    ),
    path(
        "families/<uuid:uuid>/parents/<uuid:parent_uuid>/invite/",
        views.parent_invite,
        name="parent_invite",
    ),
    path(
        "families/<uuid:uuid>/placements/create/", views.placement_create, name="placement_create"
    ),
    path("placements/<uuid:uuid>/edit/", views.placement_edit, name="placement_edit"),
    path("children/", views.child_list, name="child_list"),
    path("children/create/", views.child_create, name="child_create"),
    path("children/<uuid:uuid>/", views.child_detail, name="child_detail"),
    path("children/<uuid:uuid>/edit/", views.child_edit, name="child_edit"),
]
