"""Seed 003: the provider's update reports reach the paying Comune's officer and the service in charge; one
meant for the court is transmitted by the lead social worker, registered as outgoing protocol with its PDF."""

from __future__ import annotations

import hashlib

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tutela.accounts.models import Organisation
from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.notifications.models import Communication
from tutela.protocol.models import ProtocolEntry
from tutela.services.models import InterventionState, ProgressReport
from tutela.services.progress import ProgressReportData, progress_report_submit, progress_report_transmit
from tutela.services.tests.educational_setup import assign, days_ago, educator, home_support
from tutela.testing.asserts import assert_refused
from tutela.worklists.selectors import worklist_sections

TEXT = "Nel periodo il minore ha frequentato regolarmente; la madre collabora agli incontri."


def _data(**kwargs) -> ProgressReportData:
    values = {
        "period_from": days_ago(20),
        "period_to": days_ago(1),
        "text": TEXT,
        "for_court": False,
        **kwargs,
    }
    return ProgressReportData(**values)


def _state() -> tuple[int, int, int]:
    return ProgressReport.objects.count(), Communication.objects.count(), AuditEvent.objects.count()


def _section(user, key):
    return next(s for s in worklist_sections(user) if s.key == key)


def test_a_report_reaches_the_comune_and_the_service(demo, django_capture_on_commit_callbacks):
    intervention = home_support(demo, residence="Montemurlo")
    assign(demo, intervention)
    with django_capture_on_commit_callbacks(execute=True):
        report = progress_report_submit(
            intervention=intervention, actor=demo.users["educatore"], data=_data()
        )

    assert (report.author, report.text, report.for_court) == (demo.users["educatore"], TEXT, False)
    notice = Communication.objects.get(kind=Communication.Kind.PROGRESS_REPORT_NOTICE)
    assert notice.recipient_organisation == demo.organisations["comune_montemurlo"]
    assert notice.recipient_municipality == demo.municipalities["Montemurlo"]
    assert TEXT not in notice.body  # the text stays in Tutela, the e-mail only says it is there
    assert [m.to for m in mail.outbox] == [["servizisociali@comune.montemurlo.example.invalid"]]
    assert CaseEvent.objects.filter(
        case=intervention.case, code="services.progress_report.submitted"
    ).exists()
    assert AuditEvent.objects.filter(
        action="services.progress_report.submitted", object_id=str(report.pk)
    ).exists()
    section = _section(demo.users["assistente"], "reports_to_read")
    assert [r.pk for r in section.rows] == [report.pk]


def test_opening_the_report_marks_it_read_by_the_lead_only(client, demo):
    intervention = home_support(demo, residence="Montemurlo")
    report = progress_report_submit(intervention=intervention, actor=demo.users["cooperativa"], data=_data())
    url = reverse("delivery:report", kwargs={"pk": report.pk})

    for username in ("comune", "cooperativa", "coordinatore"):
        client.force_login(demo.users[username])
        response = client.get(url)
        assert response.status_code == 200, username
        assert TEXT in response.content.decode()
    report.refresh_from_db()
    assert report.read_by_service_at is None

    client.force_login(demo.users["assistente"])
    assert client.get(url).status_code == 200
    report.refresh_from_db()
    assert report.read_by_service_at is not None
    assert (
        AuditEvent.objects.filter(action="services.progress_report.read", object_id=str(report.pk)).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(
            action="services.progress_report.viewed", case_id=intervention.case_id
        ).count()
        == 4
    )
    assert _section(demo.users["assistente"], "reports_to_read").count == 0


def test_who_may_not_read_a_report_gets_404(client, demo):
    intervention = home_support(demo)
    report = progress_report_submit(intervention=intervention, actor=demo.users["cooperativa"], data=_data())
    url = reverse("delivery:report", kwargs={"pk": report.pk})
    for username in ("sds", "amministrativo", "comune", "assistente2"):
        client.force_login(demo.users[username])
        assert client.get(url).status_code == 404, username


def test_report_refusals(demo):
    planned = home_support(demo, state=InterventionState.PLANNED)
    assert_refused(
        lambda: progress_report_submit(intervention=planned, actor=demo.users["cooperativa"], data=_data()),
        _state,
        "L'intervento non è ancora stato avviato: non c'è un periodo da relazionare.",
    )
    intervention = home_support(demo, started_days_ago=30)
    for actor in (demo.users["assistente"], educator(demo, "educatore.due")):
        assert_refused(
            lambda actor=actor: progress_report_submit(intervention=intervention, actor=actor, data=_data()),
            _state,
            "Solo il coordinatore dell'ente erogatore o un educatore assegnato possono inviare relazioni.",
        )
    cooperativa = demo.users["cooperativa"]
    for data, message in [
        (_data(period_to=days_ago(-1)), "Il periodo non può terminare nel futuro."),
        (
            _data(period_from=days_ago(2), period_to=days_ago(3)),
            "L'inizio del periodo non può seguirne la fine.",
        ),
        (
            _data(period_from=days_ago(31)),
            f"Il periodo non può iniziare prima dell'avvio dell'intervento ({days_ago(30):%d/%m/%Y}).",
        ),
        (_data(text=" "), "Scrivere l'andamento del progetto nel periodo."),
    ]:
        assert_refused(
            lambda data=data: progress_report_submit(intervention=intervention, actor=cooperativa, data=data),
            _state,
            message,
            ValidationError,
        )


def test_a_report_for_the_court_is_transmitted_by_the_lead_with_protocol_and_pdf(
    demo, django_capture_on_commit_callbacks
):
    intervention = home_support(demo)
    report = progress_report_submit(
        intervention=intervention, actor=demo.users["cooperativa"], data=_data(for_court=True)
    )
    assert not ProtocolEntry.objects.filter(correspondent_organisation__kind=Organisation.Kind.COURT).exists()
    assert [r.pk for r in _section(demo.users["assistente"], "reports_for_court").rows] == [report.pk]
    court = demo.organisations["court_tm"]

    with django_capture_on_commit_callbacks(execute=True):
        transmitted = progress_report_transmit(report=report, actor=demo.users["assistente"], court=court)

    entry = transmitted.court_protocol
    assert entry.direction == ProtocolEntry.Direction.OUTGOING
    assert entry.correspondent_organisation == court
    assert intervention.case.child.surname not in entry.subject
    assert entry.document.content_type == "application/pdf"
    assert entry.document.confidential
    with entry.document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == entry.document_sha256
    assert transmitted.transmitted_by == demo.users["assistente"]
    sent = Communication.objects.get(kind=Communication.Kind.COURT_TRANSMISSION)
    assert (sent.recipient_organisation, sent.protocol_entry, sent.document) == (court, entry, entry.document)
    assert mail.outbox[-1].to == [court.email]
    assert CaseEvent.objects.get(code="services.progress_report.transmitted").protocol_entry == entry
    assert _section(demo.users["assistente"], "reports_for_court").count == 0


def test_transmission_refusals(demo):
    intervention = home_support(demo)
    cooperativa, lead = demo.users["cooperativa"], demo.users["assistente"]
    court = demo.organisations["court_tm"]
    ordinary = progress_report_submit(intervention=intervention, actor=cooperativa, data=_data())
    for_court = progress_report_submit(
        intervention=intervention, actor=cooperativa, data=_data(for_court=True)
    )

    def snapshot():
        return ProtocolEntry.objects.count(), Communication.objects.count()

    assert_refused(
        lambda: progress_report_transmit(report=for_court, actor=cooperativa, court=court),
        snapshot,
        "Solo l'assistente sociale referente del caso può compiere questa azione.",
    )
    assert_refused(
        lambda: progress_report_transmit(report=ordinary, actor=lead, court=court),
        snapshot,
        "La relazione non è destinata all'autorità giudiziaria.",
    )
    assert_refused(
        lambda: progress_report_transmit(report=for_court, actor=lead, court=demo.organisations["school"]),
        snapshot,
        "Scegliere un'autorità giudiziaria.",
        ValidationError,
    )
    progress_report_transmit(report=for_court, actor=lead, court=court)
    assert_refused(
        lambda: progress_report_transmit(report=for_court, actor=lead, court=court),
        snapshot,
        "La relazione è già stata trasmessa all'autorità giudiziaria.",
    )


def test_the_provider_submits_and_the_lead_transmits_from_the_pages(client, demo):
    intervention = home_support(demo)
    client.force_login(demo.users["cooperativa"])
    url = reverse("delivery:educational_action", kwargs={"pk": intervention.pk, "action": "nuova-relazione"})
    response = client.post(
        url,
        {
            "period_from": days_ago(10).isoformat(),
            "period_to": days_ago(1).isoformat(),
            "text": TEXT,
            "for_court": "on",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    transmit = reverse("delivery:report_transmit", kwargs={"pk": report.pk})
    assert client.get(transmit).status_code == 302  # the provider does not send it to the court

    client.force_login(demo.users["assistente"])
    assert (
        "Trasmetti all'autorità giudiziaria"
        in client.get(reverse("delivery:report", kwargs={"pk": report.pk})).content.decode()
    )
    response = client.post(transmit, {"court": demo.organisations["court_tm"].pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.court_protocol is not None


def test_the_lead_finds_the_unread_report_in_the_worklist(client, demo):
    intervention = home_support(demo)
    report = progress_report_submit(intervention=intervention, actor=demo.users["cooperativa"], data=_data())
    client.force_login(demo.users["assistente"])
    page = client.get(reverse("worklists:home")).content.decode()
    assert "Relazioni di aggiornamento da leggere" in page
    assert reverse("delivery:report", kwargs={"pk": report.pk}) in page
    audit = AuditEvent.objects.filter(action="worklists.worklist.viewed").latest("id")
    assert intervention.case_id in audit.data["cases"]
