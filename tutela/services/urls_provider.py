from django.urls import path

from tutela.services import views_educational

app_name = "provider"
urlpatterns = [path("", views_educational.provider_home, name="home")]
