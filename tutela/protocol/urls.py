from django.urls import path

from tutela.protocol import views

app_name = "protocol"
urlpatterns = [path("", views.entry_list, name="list")]
