from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accesso/", auth_views.LoginView.as_view(), name="login"),
    path("uscita/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("intake/", include("tutela.intake.urls")),
    path("pratiche/", include("tutela.cases.urls")),
    path("proposte/", include("tutela.services.urls")),
    path("protocollo/", include("tutela.protocol.urls")),
    path("documenti/", include("tutela.documents.urls")),
    path("riferimenti/", include("tutela.core.urls")),
    path("", include("tutela.worklists.urls")),
]
