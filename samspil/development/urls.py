"""The development app's URLs (see views.py)."""

from samspil.development import views

app_name = "development"
urlpatterns = views.urlpatterns
