"""The answer pages, open without login: a single-use link or a printed code is the only key."""

from django.urls import path

from tutela.surveys import views

app_name = "surveys_public"
urlpatterns = [
    path("", views.code_entry, name="code"),
    path("<str:token>/", views.answer, name="answer"),
]
