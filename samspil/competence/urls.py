"""The competence app's URLs, one list per area (see views/)."""

from samspil.competence.views import calendar, enrolment, offerings, reports, supervision

app_name = "competence"
urlpatterns = [
    *offerings.urlpatterns,
    *enrolment.urlpatterns,
    *supervision.urlpatterns,
    *calendar.urlpatterns,
    *reports.urlpatterns,
]
