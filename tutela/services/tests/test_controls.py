"""Seed 000 step 7: the managing body's targeted controls on regular delivery, their follow-up actions (a
deadline of the controller), the provider's reply and the close of the follow-up."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.deadlines.models import Deadline
from tutela.services.controls import ControlData, control_follow_up_close, control_record, control_reply
from tutela.services.models import DeliveryControl, InterventionState
from tutela.services.tests.educational_setup import assign, days_ago, home_support, other_provider
from tutela.testing.asserts import assert_refused
from tutela.worklists.selectors import worklist_sections

FINDINGS = "Fogli presenza di ottobre privi della firma del genitore in tre giornate"


def _data(**kwargs) -> ControlData:
    values = {
        "day": days_ago(1),
        "method": DeliveryControl.Method.DOCUMENTS,
        "outcome": DeliveryControl.Outcome.MINOR,
        "findings": FINDINGS,
        "follow_up": "Integrare le firme mancanti e inviare i fogli corretti",
        "follow_up_due": days_ago(-15),
        **kwargs,
    }
    return ControlData(**values)


def _state() -> tuple[int, int, int]:
    return DeliveryControl.objects.count(), Deadline.objects.count(), AuditEvent.objects.count()


def _follow_ups(control):
    return Deadline.objects.filter(kind=Deadline.Kind.CONTROL_FOLLOW_UP, source_id=control.pk)


def test_the_managing_body_records_a_control_and_owns_its_follow_up(demo):
    intervention = home_support(demo)
    sds = demo.users["sds"]

    control = control_record(intervention=intervention, actor=sds, data=_data())

    assert (control.controller, control.findings, control.outcome) == (sds, FINDINGS, "minor")
    deadline = _follow_ups(control).get()
    assert (deadline.owner, deadline.case, deadline.due_at.date()) == (sds, intervention.case, days_ago(-15))
    assert CaseEvent.objects.filter(case=intervention.case, code="services.control.recorded").exists()
    assert AuditEvent.objects.filter(
        action="services.delivery_control.created", object_id=str(control.pk)
    ).exists()
    assert [c.pk for c in _section(sds, "control_follow_ups").rows] == [control.pk]
    assert [c.pk for c in _section(demo.users["cooperativa"], "controls_to_answer").rows] == [control.pk]


def test_a_regular_control_needs_no_follow_up(demo):
    intervention = home_support(demo)
    control = control_record(
        intervention=intervention,
        actor=demo.users["sds"],
        data=_data(outcome=DeliveryControl.Outcome.COMPLIANT, follow_up="", follow_up_due=None),
    )
    assert not _follow_ups(control).exists()


def test_control_refusals(demo):
    intervention = home_support(demo, started_days_ago=30)
    sds = demo.users["sds"]
    for actor in (demo.users["assistente"], demo.users["cooperativa"], demo.users["coordinatore"]):
        assert_refused(
            lambda actor=actor: control_record(intervention=intervention, actor=actor, data=_data()),
            _state,
            "Il tuo ruolo non consente di registrare controlli su questo intervento.",
        )
    planned = home_support(demo, state=InterventionState.PLANNED)
    assert_refused(
        lambda: control_record(intervention=planned, actor=sds, data=_data()),
        _state,
        "L'intervento non è ancora stato avviato: non c'è un'erogazione da controllare.",
    )
    for data, message in [
        (_data(day=days_ago(-1)), "La data del controllo non può essere nel futuro."),
        (
            _data(day=days_ago(31)),
            f"Il controllo non può precedere l'avvio dell'intervento ({days_ago(30):%d/%m/%Y}).",
        ),
        (_data(findings=""), "Descrivere i rilievi del controllo."),
        (_data(follow_up_due=None), "Indicare entro quando vanno svolte le azioni conseguenti."),
        (_data(follow_up=""), "Descrivere le azioni conseguenti."),
        (
            _data(follow_up_due=days_ago(1)),
            "La scadenza delle azioni conseguenti non può essere nel passato.",
        ),
        (
            _data(outcome=DeliveryControl.Outcome.NON_COMPLIANT, follow_up="", follow_up_due=None),
            "Un controllo con irregolarità richiede azioni conseguenti.",
        ),
    ]:
        assert_refused(
            lambda data=data: control_record(intervention=intervention, actor=sds, data=data),
            _state,
            message,
            ValidationError,
        )


def test_the_provider_replies_and_the_managing_body_closes_the_follow_up(demo):
    intervention = home_support(demo)
    sds, cooperativa = demo.users["sds"], demo.users["cooperativa"]
    control = control_record(intervention=intervention, actor=sds, data=_data())

    replied = control_reply(
        control=control, actor=cooperativa, reply="Firme integrate, fogli inviati il 3/11."
    )
    assert replied.provider_reply.startswith("Firme integrate")
    assert _section(cooperativa, "controls_to_answer").count == 0

    closed = control_follow_up_close(control=control, actor=sds)

    assert closed.follow_up_done_at is not None
    deadline = _follow_ups(control).get()
    assert deadline.done_at is not None and deadline.done_by == sds
    assert CaseEvent.objects.filter(code="services.control.follow_up_closed").exists()
    assert _section(sds, "control_follow_ups").count == 0
    assert_refused(
        lambda: control_follow_up_close(control=control, actor=sds),
        _state,
        f"Le azioni conseguenti sono già state chiuse il {days_ago(0):%d/%m/%Y}.",
    )
    assert_refused(
        lambda: control_reply(control=control, actor=cooperativa, reply="Aggiunta"),
        lambda: DeliveryControl.objects.get(pk=control.pk).provider_reply,
        "Le azioni conseguenti sono già state chiuse: la risposta non si modifica più.",
    )


def test_reply_and_close_refusals(demo):
    intervention = home_support(demo)
    sds, cooperativa = demo.users["sds"], demo.users["cooperativa"]
    control = control_record(intervention=intervention, actor=sds, data=_data())
    _org, other_coordinator, _educator = other_provider(demo)

    def reply():
        return DeliveryControl.objects.get(pk=control.pk).provider_reply

    for actor in (other_coordinator, sds, demo.users["assistente"]):
        assert_refused(
            lambda actor=actor: control_reply(control=control, actor=actor, reply="Risposta"),
            reply,
            "Solo il coordinatore dell'ente erogatore può rispondere al controllo.",
        )
    assert_refused(
        lambda: control_reply(control=control, actor=cooperativa, reply=" "),
        reply,
        "Scrivere la risposta al controllo.",
        ValidationError,
    )
    assert_refused(
        lambda: control_follow_up_close(control=control, actor=cooperativa),
        _state,
        "Il tuo ruolo non consente di chiudere le azioni conseguenti.",
    )
    regular = control_record(
        intervention=intervention,
        actor=sds,
        data=_data(outcome=DeliveryControl.Outcome.COMPLIANT, follow_up="", follow_up_due=None),
    )
    assert_refused(
        lambda: control_follow_up_close(control=regular, actor=sds),
        _state,
        "Il controllo non prevede azioni conseguenti.",
    )


def _section(user, key):
    return next(s for s in worklist_sections(user) if s.key == key)


def test_the_pages_by_role(client, demo):
    intervention = home_support(demo)
    assign(demo, intervention)
    control_record(intervention=intervention, actor=demo.users["sds"], data=_data())
    _org, other_coordinator, _educator = other_provider(demo)
    page = reverse("delivery:controls", kwargs={"pk": intervention.pk})
    expected = {"sds": 200, "cooperativa": 200, "assistente": 200, "educatore": 404, "amministrativo": 404}
    for username, status in expected.items():
        client.force_login(demo.users[username])
        response = client.get(page)
        assert response.status_code == status, username
        assert (FINDINGS in response.content.decode()) == (status == 200)
    client.force_login(other_coordinator)
    assert client.get(page).status_code == 404

    client.force_login(demo.users["sds"])
    response = client.get(reverse("delivery:control_list"))
    assert response.status_code == 200 and intervention.case.code in response.content.decode()
    assert AuditEvent.objects.filter(action="services.delivery_control.listed").exists()
    for username in ("cooperativa", "assistente", "coordinatore"):
        client.force_login(demo.users[username])
        assert client.get(reverse("delivery:control_list")).status_code == 404


def test_reply_and_close_from_the_pages(client, demo):
    intervention = home_support(demo)
    control = control_record(intervention=intervention, actor=demo.users["sds"], data=_data())
    reply = reverse("delivery:control_action", kwargs={"pk": control.pk, "action": "rispondi"})
    close = reverse("delivery:control_action", kwargs={"pk": control.pk, "action": "chiudi"})

    client.force_login(demo.users["cooperativa"])
    assert client.get(close).status_code == 302  # not the provider's to close
    assert client.post(reply, {"reply": "Fogli corretti inviati."}).status_code == 302
    control.refresh_from_db()
    assert control.provider_reply == "Fogli corretti inviati."

    client.force_login(demo.users["sds"])
    assert client.get(reply).status_code == 302  # not the managing body's to answer
    assert client.post(close, {}).status_code == 302
    control.refresh_from_db()
    assert control.follow_up_done_at is not None

    add = reverse("delivery:control_add", kwargs={"pk": intervention.pk})
    response = client.post(
        add,
        {"day": days_ago(0).isoformat(), "method": "on_site", "outcome": "compliant", "findings": "Regolare"},
    )
    assert response.status_code == 302
    assert DeliveryControl.objects.count() == 2


def test_the_worklists_show_the_follow_ups_and_the_controls_to_answer(client, demo):
    intervention = home_support(demo)
    control = control_record(intervention=intervention, actor=demo.users["sds"], data=_data())
    link = reverse("delivery:controls", kwargs={"pk": intervention.pk}) + f"#controllo-{control.pk}"
    for username, title in (
        ("sds", "Azioni conseguenti ai controlli"),
        ("cooperativa", "Controlli da riscontrare"),
    ):
        client.force_login(demo.users[username])
        page = client.get(reverse("worklists:home")).content.decode()
        assert title in page and link in page, username
    nav = client.get(reverse("worklists:home")).content.decode()
    assert reverse("provider:home") in nav
