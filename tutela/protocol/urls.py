from django.urls import path

app_name = "protocol"
urlpatterns: list = []
