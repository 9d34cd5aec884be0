"""The competence app's services, one module per area (offerings, enrolment, supervision, calendar, reports)."""
