"""Login, second factor, own security settings and single sign-on (ADR 0006)."""

from django.urls import include, path

from tutela.accounts import views_auth

app_name = "accounts"

urlpatterns = [
    path("accesso/verifica/", views_auth.two_factor_verify, name="two_factor_verify"),
    path("accesso/attivazione/", views_auth.two_factor_enrol, name="two_factor_enrol"),
    path("accesso/ente/", views_auth.oidc_start, name="oidc_start"),
    path("accesso/ente/ritorno/", views_auth.oidc_callback, name="oidc_callback"),
    path("profilo/sicurezza/", views_auth.security, name="security"),
    path("profilo/password/", views_auth.TutelaPasswordChangeView.as_view(), name="password_change"),
    # Re-authentication and break-the-glass (ADR 0007), same namespace.
    path("", include("tutela.accounts.urls_break_glass")),
]
