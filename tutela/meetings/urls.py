from django.urls import path

from tutela.meetings.views import meetings, network, teams, visits

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_list_view, name="list"),
    path("nuova/", meetings.meeting_create, name="create"),
    path("serie/nuova/", meetings.series_create_view, name="series_create"),
    path("riepilogo/", meetings.meeting_report, name="report"),
    path("<int:pk>/", meetings.meeting_detail_view, name="detail"),
    path("<int:pk>/<slug:action>/", meetings.meeting_action, name="action"),
    path("pratica/<int:pk>/riunione/nuova/", meetings.case_meeting_create, name="case_meeting_create"),
    # micro-équipes (seed 002)
    path("micro-equipe/", teams.micro_team_list_view, name="micro_team_list"),
    path("pratica/<int:pk>/micro-equipe/", teams.micro_team_page, name="micro_team"),
    path("pratica/<int:pk>/micro-equipe/<slug:action>/", teams.micro_team_action, name="micro_team_action"),
    # supervised visits and rooms (seed 003)
    path("pratica/<int:pk>/incontri-protetti/", visits.case_visits, name="case_visits"),
    path("pratica/<int:pk>/incontri-protetti/disposizione/", visits.arrangement_edit, name="arrangement"),
    path("pratica/<int:pk>/incontri-protetti/nuovo/", visits.visit_book, name="visit_book"),
    path("incontri-protetti/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("incontri-protetti/<int:pk>/<slug:action>/", visits.visit_action, name="visit_action"),
    path("stanze/", visits.rooms_view, name="rooms"),
    path("stanze/agenda/", visits.room_agenda, name="room_agenda"),
    # the anti-violence network (seed 002)
    path("rete-antiviolenza/", network.network_page, name="network"),
    path("rete-antiviolenza/configura/", network.network_edit, name="network_edit"),
    path("rete-antiviolenza/enti/nuovo/", network.partner_add, name="partner_add"),
    path("rete-antiviolenza/accordo/nuovo/", network.agreement_add, name="agreement_add"),
    path("rete-antiviolenza/percorsi/nuovo/", network.path_create, name="path_create"),
    path("rete-antiviolenza/percorsi/chiudi/", network.path_close, name="path_close"),
]
