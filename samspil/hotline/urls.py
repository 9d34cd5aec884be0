"""The hotline app's URLs, one list per area (see views/)."""

from samspil.hotline.views import calls, followups, hotlines, rota, statistics

app_name = "hotline"
urlpatterns = [
    *hotlines.urlpatterns,
    *rota.urlpatterns,
    *calls.urlpatterns,
    *followups.urlpatterns,
    *statistics.urlpatterns,
]
