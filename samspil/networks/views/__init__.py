"""Thin views of the networks app, one module per area; each exports `urlpatterns`."""
