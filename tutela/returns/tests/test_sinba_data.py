"""The SINBA data of a case: only its lead social worker records them; inconsistent values are refused in
Italian and nothing is written; the act is on the case's timeline and in the audit log (fields, not values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.core.demo.territory import DemoTerritory
from tutela.returns.models import SinbaChildData
from tutela.returns.services import sinba_data_save
from tutela.returns.tests.conftest import code
from tutela.testing import factories
from tutela.testing.asserts import assert_refused


def _snapshot() -> list[dict[str, Any]]:
    return list(SinbaChildData.objects.values())


def test_only_the_lead_social_worker_records_them(demo: DemoTerritory) -> None:
    case = factories.in_care_case(demo)
    values = {"school": code("ScuolaFrequentataType", "5")}
    for other in ("coordinatore", "assistente2", "sds"):
        assert_refused(
            lambda other=other: sinba_data_save(case=case, actor=demo.users[other], values=values, family=[]),
            _snapshot,
            "Solo l'assistente sociale referente può aggiornare i dati SINBA del minore.",
        )
    saved = sinba_data_save(case=case, actor=demo.users["assistente"], values=values, family=[])
    assert saved.school.code == "5" and saved.updated_by == demo.users["assistente"]
    event = case.events.get(code="returns.sinba_data.saved")
    assert event.description == "Dati per i debiti informativi (SINBA) aggiornati"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"unaccompanied_foreign_minor": ("MinoreStranieroNoAccType", "1")},
            "unaccompanied_foreign_minor",
            "Il minore ha cittadinanza italiana: non è un minore straniero non accompagnato.",
        ),
        (
            {"residence_country": "201"},
            "residence_country",
            "Il minore ha un Comune di residenza in Italia: lo Stato di residenza non va indicato.",
        ),
        (
            {
                "court_order": ("ProvvedimentoGiudiziarioType", "2"),
                "court_authority": ("AutoritaProvvedimentoType", "1"),
            },
            "court_authority",
            "Si indica solo se «esiste un provvedimento dell'Autorità giudiziaria» è «sì».",
        ),
        (
            {
                "reported_to_court": ("SegnalazioneAutoritaGiudiziariaType", "1"),
                "reported_to_court_on": "tomorrow",
            },
            "reported_to_court_on",
            "La data non può essere futura.",
        ),
        ({"school": ("LuogoVitaType", "1")}, "school", "Valore non ammesso per questo campo."),
    ],
)
def test_inconsistent_values_are_refused(
    demo: DemoTerritory, values: dict[str, Any], field: str, message: str
) -> None:
    case = factories.in_care_case(demo)
    resolved = {
        name: code(*value)
        if isinstance(value, tuple)
        else (timezone.localdate() + dt.timedelta(days=1) if value == "tomorrow" else value)
        for name, value in values.items()
    }
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        sinba_data_save(case=case, actor=demo.users["assistente"], values=resolved, family=[])
    assert refused.value.message_dict[field] == [message]
    assert _snapshot() == before and not case.events.filter(code="returns.sinba_data.saved").exists()


def test_the_demo_seed_configures_the_sender_and_leaves_some_records_to_fix(demo: DemoTerritory) -> None:
    from tutela.returns.demo import returns_seed

    cases = [factories.in_care_case(demo) for _ in range(5)]
    body = returns_seed(demo)
    again = returns_seed(demo)
    assert again.pk == body.pk and body.seat == demo.municipalities["Prato"]
    filled = set(SinbaChildData.objects.values_list("case_id", flat=True))
    assert len(filled) == 4 and filled < {c.pk for c in cases}
