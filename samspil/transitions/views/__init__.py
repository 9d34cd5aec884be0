"""Views of the transitions app, one module per area: `transitions` (list, create, the page,
edit, status, the child's involvement), `meetings`, `plans` (steps and the municipality's
template) and `advice`. `transitions/urls.py` concatenates their `urlpatterns`."""
