from django.urls import path

app_name = "worklists"
urlpatterns: list = []
