"""The export streams: its peak memory does not grow with the number of records (tracemalloc, not timing)."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from tutela.accounts.models import User
from tutela.assessments.models import Assessment
from tutela.cases.models import Case, CaseEvent, CaseState, Channel
from tutela.core.demo.territory import DemoTerritory
from tutela.intake.models import Referral
from tutela.people.models import Person
from tutela.reference.models import Code
from tutela.returns.exports import ExportRequest, export_write
from tutela.returns.models import ReportingBody, ReturnKind, SinbaChildData
from tutela.returns.tests.conftest import code

# The export holds one chunk of cases (with their prefetched rows) at a time, two while Django fetches the next:
# past the first chunk the peak stays flat however many records follow. A linear growth would make 2000 records
# cost several times what 1000 do (it did, 33 MB against 5, before the garbage of each chunk was collected).
FLAT = 1.25  # 2000 records against 1000: the same, give or take the collector's timing
BOUNDED = 3.0  # 2000 records against 200 (a single chunk): at most the second chunk and some counters more


def _synthetic_children(demo: DemoTerritory, start: int, count: int) -> None:
    """`count` children in care with complete SINBA data, written in bulk (test data, not acts)."""
    worker: User = demo.users["assistente"]
    prato = demo.municipalities["Prato"]
    now = timezone.now() - dt.timedelta(days=30)
    codes = {
        name: code(code_list, value)
        for name, code_list, value in (
            ("source", "FonteSegnalazioneType", "13"),
            ("problem", "ValutazioneMinoreType", "2"),
            ("family_problem", "ValutazioneFamigliaMinoreType", "2"),
            ("orphan", "CondizioneMinoreType", "1"),
            ("living", "LuogoVitaType", "1"),
            ("school", "ScuolaFrequentataType", "5"),
            ("disability", "DisabilitaType", "2"),
            ("no_court", "SegnalazioneAutoritaGiudiziariaType", "2"),
            ("no_order", "ProvvedimentoGiudiziarioType", "2"),
        )
    }
    people = Person.objects.bulk_create(
        Person(
            surname=f"Sintetico{n}",
            given_name="Minore",
            birth_date=dt.date(2015, 1, 1) + dt.timedelta(days=n % 3000),
            sex="F",
            citizenship="Italiana",
            residence_municipality=prato,
        )
        for n in range(start, start + count)
    )
    cases = Case.objects.bulk_create(
        Case(
            code=f"SYN-{n:06d}",
            child=person,
            territory=demo.territory,
            channel=Channel.INDIRECT,
            state=CaseState.IN_CARE,
            lead_social_worker=worker,
            opened_at=now,
            created_by=worker,
        )
        for n, person in zip(range(start, start + count), people, strict=True)
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            actor=worker,
            code="cases.case.take_in_charge",
            description="Presa in carico",
            to_state=CaseState.IN_CARE,
        )
        for case in cases
    )
    Referral.objects.bulk_create(
        Referral(
            case=case,
            channel=Channel.INDIRECT,
            territory=demo.territory,
            source=codes["source"],
            received_on=now.date(),
            subject="Segnalazione",
            registered_by=worker,
            registered_by_organisation=demo.organisations["sds"],
            registered_at=now,
        )
        for case in cases
    )
    Assessment.objects.bulk_create(
        Assessment(
            case=case,
            grounds=True,
            child_problem=codes["problem"],
            family_problem=codes["family_problem"],
            summary="Sintesi",
            assessed_by=worker,
            assessed_at=now,
        )
        for case in cases
    )
    data = SinbaChildData.objects.bulk_create(
        SinbaChildData(
            case=case,
            orphan_status=codes["orphan"],
            living_place=codes["living"],
            school=codes["school"],
            disability=codes["disability"],
            reported_to_court=codes["no_court"],
            court_order=codes["no_order"],
            updated_by=worker,
            updated_at=now,
        )
        for case in cases
    )
    mother: Code = code("ComposizioneFamigliaType", "1")
    through = SinbaChildData.family_composition.through
    through.objects.bulk_create(through(sinbachilddata_id=d.pk, code_id=mother.pk) for d in data)


def _peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_peak_memory_does_not_grow_with_the_records(
    demo: DemoTerritory, reporting_body: ReportingBody, tmp_path: Path
) -> None:
    request = ExportRequest(
        kind=ReturnKind.SINBA, territory=demo.territory, reference_date=timezone.localdate()
    )
    results = []

    def export(name: str) -> Callable[[], object]:
        def run() -> object:
            issues: list[object] = []
            result = export_write(request, tmp_path / name, on_issue=issues.append, validate=False)
            results.append((result.records, len(issues)))
            return result

        return run

    _synthetic_children(demo, 0, 200)
    export("warm-up.xml")()  # first-use caches (translations, compiled queries) are not the export's
    small = _peak(export("small.xml"))
    _synthetic_children(demo, 200, 800)
    medium = _peak(export("medium.xml"))
    _synthetic_children(demo, 1000, 1000)
    large = _peak(export("large.xml"))
    assert results[1:] == [(200, 0), (1000, 0), (2000, 0)]
    assert (tmp_path / "large.xml").stat().st_size > 9 * (tmp_path / "small.xml").stat().st_size
    peaks = f"peak memory: {small} bytes for 200 records, {medium} for 1000, {large} for 2000"
    assert large <= medium * FLAT, peaks
    assert large <= small * BOUNDED, peaks
