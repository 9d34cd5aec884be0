from django.urls import URLPattern

from samspil.measures.views import answering, instruments, measurements, plans, trends

app_name = "measures"

urlpatterns: list[URLPattern] = [
    *answering.urlpatterns,
    *measurements.urlpatterns,
    *plans.urlpatterns,
    *trends.urlpatterns,
    *instruments.urlpatterns,
]
