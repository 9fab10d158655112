"""The objective of seed 002 (2019_ZN15), loaded in the demo territory through the real services.

Loaded as the seed gives it: its two phases weigh 25 each, so their weights add up to 50 and the objective
stays a draft (approval needs 100: services.objective_approve refuses it and the page says why). The actual
values are not invented: the micro-équipe share and the monitoring meetings come from the meetings app's data
for 2019 (the objective's period), the RESULT date waits to be recorded by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tutela.core.demo.territory import DemoTerritory
from tutela.indicators.models import Indicator, Objective
from tutela.indicators.services import (
    IndicatorData,
    ObjectiveData,
    PhaseData,
    indicator_add,
    objective_create,
    phase_add,
)

SEED_002_CODE = "2019_ZN15"

SEED_002_DESCRIPTION = """\
La P.O Promozione e diritti e Tutela Minori si occupa della presa in carico di minori e delle loro famiglie \
sottoposti a provvedimenti dell'Autorità Giudiziaria e/o con progetti socio educativi importanti e la conseguente \
realizzazione di percorsi personalizzati. Il numero dei minori in carico totale è di circa 1600 all'anno.

Gli obiettivi che si intendono perseguire nell'anno 2019 quindi sono i seguenti:

1) in seguito anche all'approvazione delle nuove "Modalità tecniche e operative in materia di presa in carico di \
famiglie in situazione di vulnerabilità" (approvate con DD n. 10027 del 27/12/2018) verrà portata avanti una forte \
sperimentazione del lavoro in micro-equipe multiprofessionali per affrontare casi complessi ed effettuare indagini \
per l'Autorità Giudiziaria. Si ipotizza che su 200 casi complessi/ indagini circa 120 verranno presi in carico da \
micro-equipe che verranno costituite ad hoc su ciascuna situazione.

2) verranno rafforzati gli interventi e le misure "antiviolenza", grazie alla prosecuzione della partecipazione al \
Programma regionale "La Rete di Nicoletta", in collaborazione con gli enti territoriali dell'area metropolitana \
fiorentina e con il Centro Antiviolenza. Verrà pertanto approvato e sottoscritto l'accordo di rete fra gli enti e \
successivamente particolare attenzione verrà dedicata al monitoraggio delle attività connesse ai percorsi di \
autonomia delle vittime afferenti al Programma."""

PHASE_RESPONSIBLE = "MALTONI DANIELE - PO MARGINALITA' E IMMIGRAZIONE"
CENTRE = "SERVIZIO SOCIALE PROFESSIONALE"


def objective_demo_load(demo: DemoTerritory) -> Objective:
    """Seed 002's objective, its two phases and three indicators, recorded by the demo's manager; idempotent."""
    existing = Objective.objects.filter(territory=demo.territory, code=SEED_002_CODE).first()
    if existing is not None:
        return existing
    manager = demo.users["dirigente"]
    objective = objective_create(
        actor=manager,
        territory=demo.territory,
        data=ObjectiveData(
            code=SEED_002_CODE,
            title="Tutela e protezione dei minori in famiglia e fuori famiglia in carico al Servizio Sociale "
            "Professionale",
            description=SEED_002_DESCRIPTION,
            direction="SERVIZI SOCIALI",
            director="CAVALLERI VINCENZO",
            service="SERVIZIO SOCIALE PROFESSIONALE",
            responsible="LICITRA ALESSANDRO",
            classification="PROPOSTA PROGETTO Art.15 c.5 CCNL 01/04/1999",
            kind="MIGLIORAMENTO",
            dup_strategic_line="2019_IND_STRATEG_08 LA PERSONA AL CENTRO",
            dup_strategic_objective="2019_08IS_OB_STR_04 SOSTENERE LA FAMIGLIA",
            starts_on=dt.date(2019, 1, 1),
            ends_on=dt.date(2019, 12, 31),
        ),
    )
    for title in (
        "Sperimentazione lavoro in micro-equipe su casi complessi e indagini per Autorità Giudiziaria",
        "Realizzazione accordo di rete e monitoraggio percorsi a favore di donne e minori vittime di violenza.",
    ):
        phase_add(
            actor=manager,
            objective=objective,
            data=PhaseData(
                title=title,
                weight=Decimal("25.00"),
                planned_start=dt.date(2019, 1, 22),
                planned_end=dt.date(2019, 12, 31),
                responsible=PHASE_RESPONSIBLE,
                responsibility_centre=CENTRE,
            ),
        )
    for data in (
        IndicatorData(
            kind=Indicator.Kind.PERFORMANCE,
            description="Sperimentazione lavoro in micro-equipe per casi complessi e indagini per Autorità "
            "Giudiziaria: costituzioni di micro-equipe/casi-indagini",
            value_type=Indicator.ValueType.RATIO,
            expected_numerator=Decimal("120"),
            expected_denominator=Decimal("200"),
            metric_key="micro_team_share",
        ),
        IndicatorData(
            kind=Indicator.Kind.RESULT,
            description="Programma a favore di donne e minori vittime di violenza: approvazione accordo di "
            "collaborazione con comuni dell'area metropolitana",
            value_type=Indicator.ValueType.DATE,
            expected_date=dt.date(2019, 6, 30),
        ),
        IndicatorData(
            kind=Indicator.Kind.PERFORMANCE,
            description="Monitoraggio del Programma a favore di donne e minori vittime di violenza: riunioni "
            "effettuate/previste",
            value_type=Indicator.ValueType.COUNT,
            expected_numerator=Decimal("6"),
            expected_denominator=Decimal("6"),
            metric_key="network_meetings",
        ),
    ):
        indicator_add(actor=manager, objective=objective, data=data)
    return objective
