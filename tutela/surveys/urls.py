from django.urls import path

from tutela.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.home, name="home"),
    path("nuovo/", views.questionnaire_new, name="questionnaire_new"),
    path("<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("<int:pk>/uso/", views.questionnaire_toggle, name="questionnaire_toggle"),
    path("<int:pk>/sportelli/nuova/", views.desk_administration_new, name="desk_administration_new"),
    path("<int:pk>/risultati/", views.results, name="results"),
    path("somministrazioni/<int:pk>/", views.administration_detail, name="administration"),
    path("interventi/<int:pk>/", views.intervention_surveys, name="intervention"),
]
