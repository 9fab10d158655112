from django.urls import path

from tutela.services import views_delivery

app_name = "delivery"
urlpatterns = [
    path("<int:pk>/", views_delivery.intervention_detail, name="detail"),
    # Acts under their own prefix, so that the pages of the intervention (educativa/, controlli/, …) never
    # collide with an action's slug.
    path("<int:pk>/azioni/<slug:action>/", views_delivery.intervention_action, name="action"),
]
