"""The networks app's URLs, one list per area (see views/)."""

from samspil.networks.views import groups, meetings, mentors, pools, reports, settings

app_name = "networks"
urlpatterns = [
    *pools.urlpatterns,
    *groups.urlpatterns,
    *meetings.urlpatterns,
    *reports.urlpatterns,
    *mentors.urlpatterns,
    *settings.urlpatterns,
]
