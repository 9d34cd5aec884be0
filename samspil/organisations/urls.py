from django.urls import path

from samspil.organisations import views

app_name = "organisations"
urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/create/", views.institution_form, name="institution_create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", views.institution_form, name="institution_edit"),
    path("collaborations/", views.collaboration_list, name="collaboration_list"),
    path("collaborations/create/", views.collaboration_form, name="collaboration_create"),
    path("collaborations/<int:pk>/edit/", views.collaboration_form, name="collaboration_edit"),
]
