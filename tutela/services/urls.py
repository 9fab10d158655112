from django.urls import path

from tutela.services import views

app_name = "services"
urlpatterns = [path("<int:pk>/<slug:action>/", views.proposal_action, name="action")]
