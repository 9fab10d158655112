from django.urls import path

from tutela.core import views

app_name = "core"
urlpatterns = [path("comuni/", views.municipality_search, name="municipality_search")]
