from django.urls import path

from tutela.services import views_controls, views_delivery, views_educational

app_name = "delivery"
urlpatterns = [
    path("<int:pk>/", views_delivery.intervention_detail, name="detail"),
    # Acts under their own prefix, so that the pages of the intervention (educativa/, controlli/, …) never
    # collide with an action's slug.
    path("<int:pk>/azioni/<slug:action>/", views_delivery.intervention_action, name="action"),
    # Home educational support (seed 003): educators, hours, PEI, progress reports.
    path("<int:pk>/educativa/", views_educational.educational_page, name="educational"),
    path(
        "<int:pk>/educativa/<slug:action>/", views_educational.educational_action, name="educational_action"
    ),
    path("relazioni/<int:pk>/", views_educational.report_detail, name="report"),
    path("relazioni/<int:pk>/trasmetti/", views_educational.report_transmit, name="report_transmit"),
    # Controls on regular delivery (seed 000 step 7).
    path("controlli/", views_controls.control_list, name="control_list"),
    path("<int:pk>/controlli/", views_controls.intervention_controls, name="controls"),
    path("<int:pk>/controlli/nuovo/", views_controls.control_add, name="control_add"),
    path("controlli/<int:pk>/<slug:action>/", views_controls.control_action, name="control_action"),
]
