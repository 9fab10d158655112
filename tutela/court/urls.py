from django.urls import path

from tutela.court import views

app_name = "court"
urlpatterns = [
    path("scadenze/", views.territory_deadlines, name="deadlines"),
    path("pratiche/<int:pk>/", views.court_case, name="case"),
    path("pratiche/<int:pk>/procedimenti/nuovo/", views.proceeding_add, name="proceeding_add"),
    path("pratiche/<int:pk>/403/nuovo/", views.placement_add, name="placement_add"),
    path("procedimenti/<int:pk>/provvedimenti/nuovo/", views.order_add, name="order_add"),
    path("provvedimenti/<int:pk>/", views.order_detail, name="order"),
    path("provvedimenti/<int:pk>/<slug:action>/", views.order_action, name="order_action"),
    path("relazioni/<int:pk>/", views.report_detail, name="report"),
    path("relazioni/<int:pk>/modifica/", views.report_edit, name="report_edit"),
    path("relazioni/<int:pk>/deposita/", views.report_file, name="report_file"),
    path("relazioni/<int:pk>/copia-parti/", views.report_disclosable, name="report_disclosable"),
    path("403/<int:pk>/", views.placement_detail, name="placement"),
    path("403/<int:pk>/lettera/", views.placement_letter, name="placement_letter"),
    path("403/passi/<int:pk>/", views.step_record, name="step"),
]
