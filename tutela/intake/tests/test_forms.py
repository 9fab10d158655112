"""The intake forms over HTTP: names and subjects with bidirectional controls are refused (ADR 0010)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tutela.cases.models import Case
from tutela.core.demo.territory import DemoTerritory
from tutela.documents.models import Attachment
from tutela.intake.models import Referral
from tutela.people.models import Person
from tutela.protocol.models import ProtocolEntry
from tutela.testing.forms import direct_request_data
from tutela.testing.html import page_text

RLO = "\u202e"
REFUSED = "Il testo contiene caratteri di controllo della direzione del testo (es. U+202E), non ammessi"


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Referral, Person, Case, ProtocolEntry, Attachment))


@pytest.mark.parametrize(
    "field",
    ["surname", "given_name", "fiscal_code", "residence_address", "subject", "applicant_name"],
)
def test_a_direct_request_with_an_override_in_a_name_is_refused_and_stores_nothing(
    client: Client, demo: DemoTerritory, field: str
) -> None:
    client.force_login(demo.users["segretariato"])
    before = _counts()

    response = client.post(reverse("intake:record_direct"), direct_request_data(**{field: f"Ver{RLO}idr"}))

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in page_text(html)
    assert RLO not in html  # what was typed comes back in the input, with the control shown as its marker
    assert _counts() == before


def test_a_protocol_registration_with_an_override_in_the_subject_is_refused(
    client: Client, demo: DemoTerritory
) -> None:
    client.force_login(demo.users["protocollo"])
    before = _counts()
    data = direct_request_data(subject=f"Segnalazione {RLO}aloucs", sender_reference=f"Prot. 12{RLO}34")
    data["sender_organisation"] = demo.organisations["school"].pk

    response = client.post(reverse("intake:register_indirect"), data)

    assert response.status_code == 200
    assert page_text(response.content.decode()).count(REFUSED) == 2
    assert _counts() == before


def test_accented_italian_names_are_recorded(client: Client, demo: DemoTerritory) -> None:
    client.force_login(demo.users["segretariato"])

    response = client.post(
        reverse("intake:record_direct"),
        direct_request_data(surname="D'Àngelo", given_name="Niccolò", applicant_name="Maria Dell'Acqua"),
    )

    assert response.status_code == 302
    child = Person.objects.get(surname="D'Àngelo")
    assert child.given_name == "Niccolò"
    assert Referral.objects.get(case__child=child).applicant_name == "Maria Dell'Acqua"
