from django.contrib import admin
from django.urls import include, path

from tutela.accounts import views_auth
from tutela.accounts.twofactor import second_factor_exempt

# Every password login goes through Tutela's own page (audit, lockout page, second factor).
admin.site.login = views_auth.admin_login_redirect  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("accesso/", second_factor_exempt(views_auth.TutelaLoginView.as_view()), name="login"),
    path("uscita/", second_factor_exempt(views_auth.TutelaLogoutView.as_view()), name="logout"),
    path("", include("tutela.accounts.urls_auth")),
    path("admin/", admin.site.urls),
    path("intake/", include("tutela.intake.urls")),
    path("pratiche/", include("tutela.cases.urls")),
    path("proposte/", include("tutela.services.urls")),
    path("servizi/costi/", include("tutela.services.urls_costs")),
    path("servizi/", include("tutela.services.urls_catalogue")),
    path("interventi/", include("tutela.services.urls_delivery")),
    path("erogatore/", include("tutela.services.urls_provider")),
    path("protocollo/", include("tutela.protocol.urls")),
    path("documenti/", include("tutela.documents.urls")),
    path("riferimenti/", include("tutela.core.urls")),
    path("registro-accessi/", include("tutela.audit.urls")),
    path("debiti-informativi/", include("tutela.returns.urls")),
    path("riunioni/", include("tutela.meetings.urls")),
    path("tribunale/", include("tutela.court.urls")),
    path("scadenze/", include("tutela.deadlines.urls")),
    path("indicatori/", include("tutela.indicators.urls")),
    path("questionari/", include("tutela.surveys.urls")),
    # Satisfaction surveys answered without login (single-use links and printed codes).
    path("q/", include("tutela.surveys.urls_public")),
    path("", include("tutela.worklists.urls")),
]
