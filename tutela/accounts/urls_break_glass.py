"""Re-authentication and break-the-glass (ADR 0007); included by urls_auth, in the `accounts` namespace."""

from django.urls import path

from tutela.accounts import reauth, views_break_glass

urlpatterns = [
    path("accesso/conferma/", reauth.reauth, name="reauth"),
    path("accesso/emergenza/", views_break_glass.break_glass, name="break_glass"),
    path("accesso/emergenza/conferma/", views_break_glass.break_glass_confirm, name="break_glass_confirm"),
    path("accessi-di-emergenza/", views_break_glass.break_glass_reviews, name="break_glass_reviews"),
]
