from django.urls import path

from samspil.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/minimal", views.minimal, name="minimal"),
]
