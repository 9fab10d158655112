from django.urls import path

from tutela.services import views_costs

app_name = "costs"
urlpatterns = [
    path("", views_costs.cost_page, name="report"),
    path("esporta/", views_costs.cost_export, name="export"),
]
