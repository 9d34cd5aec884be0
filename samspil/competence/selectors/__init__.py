"""The competence app's selectors, one module per area (offerings, enrolment, supervision, calendar, reports)."""
