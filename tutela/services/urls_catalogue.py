from django.urls import path

from tutela.services import views_catalogue as v

app_name = "catalogue"
urlpatterns = [
    path("", v.catalogue_home, name="home"),
    path("catalogo/", v.service_type_list, name="service_types"),
    path("catalogo/nuovo/", v.service_type_edit, name="service_type_new"),
    path("catalogo/<int:pk>/", v.service_type_edit, name="service_type_edit"),
    path("enti/", v.provider_list, name="providers"),
    path("enti/nuovo/", v.provider_edit, name="provider_new"),
    path("enti/<int:pk>/", v.provider_detail, name="provider"),
    path("enti/<int:pk>/modifica/", v.provider_edit, name="provider_edit"),
    path("enti/<int:provider>/contratti/nuovo/", v.contract_edit, name="contract_new"),
    path("contratti/<int:pk>/", v.contract_edit, name="contract_edit"),
    path("contratti/<int:contract>/tariffe/nuova/", v.rate_edit, name="rate_new"),
    path("tariffe/<int:pk>/", v.rate_edit, name="rate_edit"),
    path("strutture/", v.facility_list, name="facilities"),
    path("strutture/nuova/", v.facility_edit, name="facility_new"),
    path("strutture/<int:pk>/", v.facility_edit, name="facility_edit"),
    path("affidatari/", v.foster_carer_list, name="foster_carers"),
    path("affidatari/nuovi/", v.foster_carer_edit, name="foster_carer_new"),
    path("affidatari/<int:pk>/", v.foster_carer_detail, name="foster_carer"),
    path("affidatari/<int:pk>/modifica/", v.foster_carer_edit, name="foster_carer_edit"),
    path(
        "affidatari/<int:pk>/componenti/<int:person>/rimuovi/",
        v.foster_carer_person_remove,
        name="foster_carer_person_remove",
    ),
    path("dichiarazioni/", v.my_declarations, name="my_declarations"),
    path("dichiarazioni/elenco/", v.declaration_list, name="declarations"),
]
