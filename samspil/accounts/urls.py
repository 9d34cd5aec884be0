from django.urls import path

from samspil.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/create/", views.staff_invite, name="staff_create"),
    path("staff/<uuid:uuid>/", views.staff_detail, name="staff_detail"),
    path("staff/<uuid:uuid>/active/", views.staff_set_active, name="staff_set_active"),
    path(
        "staff/<uuid:uuid>/memberships/<int:pk>/revoke/",
        views.revoke_membership,
        name="revoke_membership",
    ),
]
