"""The measures app's views, one module per area; `measures/urls.py` joins their `urlpatterns`."""
