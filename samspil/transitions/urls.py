from django.urls import URLPattern

from samspil.transitions.views import advice, meetings, plans, transitions

app_name = "transitions"

urlpatterns: list[URLPattern] = [
    *transitions.urlpatterns,
    *meetings.urlpatterns,
    *plans.urlpatterns,
    *advice.urlpatterns,
]
