from django.urls import path

from tutela.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_home, name="home"),
    path("nuova/", views.batch_start, name="start"),
    path("esportazioni/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("esportazioni/<int:pk>/stato/", views.batch_status, name="batch_status"),
    path("esportazioni/<int:pk>/scarica/", views.batch_download, name="batch_download"),
    path("esportazioni/<int:pk>/verifica/", views.batch_verify, name="batch_verify"),
    path("esportazioni/<int:pk>/invio/", views.batch_mark_sent, name="batch_mark_sent"),
    path("pratiche/<int:pk>/sinba/", views.sinba_data, name="sinba_data"),
]
