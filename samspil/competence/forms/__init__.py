"""The competence app's forms, one module per area."""
