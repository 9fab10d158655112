from django.urls import path

from tutela.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log_home, name="home"),
    path("fascicolo/", views.log_file, name="file"),
    path("eventi/", views.event_list, name="event_list"),
    path("eventi/esporta/", views.event_export, name="event_export"),
]
