"""The anti-violence network (seed 002): set-up, agreement, autonomy paths and who sees them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.access import paths_visible_to
from tutela.meetings.models import AutonomyPath, Network, NetworkAgreement
from tutela.meetings.services.network import (
    autonomy_path_close,
    autonomy_path_open,
    network_agreement_record,
    network_partner_add,
    network_setup,
)
from tutela.people.services import PersonData
from tutela.testing.asserts import assert_refused

TODAY = timezone.localdate()


def _network(demo: DemoTerritory) -> Network:
    return network_setup(
        territory=demo.territory,
        actor=demo.users["coordinatore"],
        name="Rete antiviolenza dell'area pratese",
        programme="Programma regionale «La Rete di Nicoletta»",
    )


def _path(
    demo: DemoTerritory, network: Network, worker: str = "assistente", actor: str | None = None
) -> AutonomyPath:
    return autonomy_path_open(
        network=network,
        actor=demo.users[actor or worker],
        woman=PersonData(surname="Galli", given_name="Irene", birth_date=dt.date(1990, 2, 3)),
        children=[PersonData(surname="Galli", given_name="Tommaso", birth_date=dt.date(2018, 7, 9))],
        social_worker=demo.users[worker],
        started_on=TODAY,
        referring_organisation=demo.organisations["police"],
        notes="Ospitalità in casa rifugio dal 3 marzo.",
    )


def test_the_network_its_partners_and_its_agreement(demo: DemoTerritory) -> None:
    u, o = demo.users, demo.organisations
    network = _network(demo)
    network_partner_add(
        network=network, actor=u["sds"], organisation=o["ausl"], role="Consultorio", joined_on=TODAY
    )
    agreement = network_agreement_record(
        network=network,
        actor=u["coordinatore"],
        title="Accordo di rete per il contrasto alla violenza di genere",
        approved_on=TODAY,
        act_reference="Delibera dell'Assemblea dei soci n. 12",
    )

    assert network.partners.get().organisation == o["ausl"]
    assert network.agreements.get() == agreement
    assert AuditEvent.objects.filter(action="meetings.network_agreement.recorded").exists()
    snapshot = lambda: list(NetworkAgreement.objects.values_list("pk"))  # noqa: E731
    assert_refused(
        lambda: network_agreement_record(
            network=network, actor=u["assistente"], title="x", approved_on=TODAY, act_reference="y"
        ),
        snapshot,
        "Solo il coordinatore o l'ente gestore gestiscono la rete antiviolenza.",
    )
    assert_refused(
        lambda: network_agreement_record(
            network=network,
            actor=u["sds"],
            title="Accordo",
            approved_on=TODAY + dt.timedelta(days=1),
            act_reference="y",
        ),
        snapshot,
        "La data di approvazione non può essere nel futuro.",
        ValidationError,
    )
    assert_refused(
        lambda: network_partner_add(network=network, actor=u["sds"], organisation=o["ausl"]),
        lambda: list(network.partners.values_list("pk")),
        "L'ente fa già parte della rete.",
        ValidationError,
    )


def test_paths_are_seen_by_the_coordinator_the_managing_body_and_the_social_worker_in_charge(
    demo: DemoTerritory,
) -> None:
    u = demo.users
    network = _network(demo)
    path = _path(demo, network)

    assert [c.full_name for c in path.children.all()] == ["Galli Tommaso"]
    seeing = {name for name, user in u.items() if paths_visible_to(user).filter(pk=path.pk).exists()}
    assert seeing == {"assistente", "coordinatore", "sds"}


def test_a_social_worker_opens_only_the_paths_in_their_charge(demo: DemoTerritory) -> None:
    network = _network(demo)
    snapshot = lambda: list(AutonomyPath.objects.values_list("pk"))  # noqa: E731

    assert_refused(
        lambda: _path(demo, network, worker="assistente2", actor="assistente"),
        snapshot,
        "Puoi avviare solo i percorsi di cui sei referente.",
    )
    assert_refused(
        lambda: _path(demo, network, worker="educatore", actor="coordinatore"),
        snapshot,
        "Il referente deve essere un'assistente sociale del territorio.",
        ValidationError,
    )
    _path(demo, network, worker="assistente2", actor="coordinatore")


def test_closing_a_path_records_its_outcome(demo: DemoTerritory) -> None:
    u = demo.users
    network = _network(demo)
    path = _path(demo, network)
    snapshot = lambda: list(AutonomyPath.objects.values_list("pk", "ended_on", "outcome"))  # noqa: E731

    assert_refused(
        lambda: autonomy_path_close(path=path, actor=u["assistente2"], ended_on=TODAY, outcome="autonomy"),
        snapshot,
        "Solo il referente, il coordinatore o l'ente gestore chiudono il percorso.",
    )
    assert_refused(
        lambda: autonomy_path_close(path=path, actor=u["assistente"], ended_on=TODAY, outcome=""),
        snapshot,
        "Indica l'esito del percorso.",
        ValidationError,
    )
    closed = autonomy_path_close(
        path=path, actor=u["assistente"], ended_on=TODAY, outcome="autonomy", notes="Lavoro stabile."
    )

    assert closed.get_status_display() == "Concluso: autonomia raggiunta"
    assert "Lavoro stabile." in AutonomyPath.objects.get(pk=path.pk).notes


def test_the_network_page_shows_paths_only_to_who_may_see_them(client: Client, demo: DemoTerritory) -> None:
    u = demo.users
    network = _network(demo)
    _path(demo, network)
    url = reverse("meetings:network")
    shown = {}
    for name in ("assistente", "assistente2", "coordinatore", "sds"):
        client.force_login(u[name])
        response = client.get(url)
        assert response.status_code == 200
        shown[name] = "Galli Irene" in response.content.decode()
    client.force_login(u["comune"])
    assert client.get(url).status_code == 404

    assert shown == {"assistente": True, "assistente2": False, "coordinatore": True, "sds": True}
    read = AuditEvent.objects.filter(action="meetings.network.viewed", actor=u["assistente"]).get()
    assert read.data["paths"] == [AutonomyPath.objects.get().pk]
