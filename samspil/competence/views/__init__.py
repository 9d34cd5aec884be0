"""The competence app's views, one module per area (offerings, enrolment, supervision, calendar, reports)."""
