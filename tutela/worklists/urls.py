from django.urls import path

from tutela.worklists import views

app_name = "worklists"
urlpatterns = [path("", views.home, name="home")]
