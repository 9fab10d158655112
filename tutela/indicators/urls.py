from django.urls import path

from tutela.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pratiche/", views.drilldown, name="drilldown"),
    path("esporta/", views.export, name="export"),
    path("personale/", views.staff, name="staff"),
    path("obiettivi/", views.objective_list, name="objective_list"),
    path("obiettivi/nuovo/", views.objective_new, name="objective_new"),
    path("obiettivi/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("obiettivi/<int:pk>/modifica/", views.objective_edit, name="objective_edit"),
    path("obiettivi/<int:pk>/approva/", views.objective_approve, name="objective_approve"),
    path("obiettivi/<int:pk>/fasi/nuova/", views.phase_add, name="phase_add"),
    path("obiettivi/<int:pk>/indicatori/nuovo/", views.indicator_add, name="indicator_add"),
    path("fasi/<int:pk>/", views.phase_edit, name="phase_edit"),
    path("valori/<int:pk>/", views.indicator_actual, name="indicator_actual"),
]
