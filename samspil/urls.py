from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, include, path
from django.views.i18n import set_language

from samspil.api import api

admin.site.site_header = "Samspil – konfiguration"
# The admin logs in through allauth (two-factor, throttling, audit), never its own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


def _api_urls() -> tuple[list[URLPattern], str, str]:
    """The API authenticates every request by token itself (401, never a login redirect)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace  # type: ignore[return-value]


urlpatterns = [
    path("", include("samspil.core.urls")),
    path("", include("samspil.families.urls")),
    path("", include("samspil.competence.urls")),
    path("", include("samspil.networks.urls")),
    path("", include("samspil.hotline.urls")),
    path("", include("samspil.development.urls")),
    path("", include("samspil.transitions.urls")),
    path("", include("samspil.measures.urls")),
    path("", include("samspil.organisations.urls")),
    path("", include("samspil.audit.urls")),
    path("", include("samspil.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", _api_urls()),
    path(settings.SAMSPIL_ADMIN_PATH, admin.site.urls),
]
