from django.urls import path

from tutela.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/diario/", views.journal_add, name="journal_add"),
    path("<int:pk>/familiari/nuovo/", views.family_add, name="family_add"),
    path("<int:pk>/equipe/nuovo/", views.member_add, name="member_add"),
    path("<int:pk>/azioni/<slug:action>/", views.case_action, name="action"),
]
