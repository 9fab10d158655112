from django.urls import path

from tutela.intake import views

app_name = "intake"
urlpatterns = [
    path("segnalazioni/nuova/", views.register_indirect, name="register_indirect"),
    path("istanze/nuova/", views.record_direct, name="record_direct"),
]
