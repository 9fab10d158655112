from django.urls import path

from tutela.deadlines import views

app_name = "deadlines"
urlpatterns = [
    path("calendario/", views.calendar_view, name="calendar"),
    path("calendario-personale/", views.feed_settings_view, name="feed_settings"),
    path("promemoria/", views.reminders_view, name="reminders"),
    path("<int:pk>/completa/", views.complete_view, name="complete"),
    path("<int:pk>/riapri/", views.reopen_view, name="reopen"),
    # The private feed: authenticated by the secret in its address, without a session.
    path("ics/<str:token>.ics", views.feed_view, name="feed"),
]
