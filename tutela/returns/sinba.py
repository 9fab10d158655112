"""The SINBA record of a child in care (INPS SINBA.xsd v1.0.0), by the rules of docs/returns/sinba-mapping.md.

`sinba_cases` selects who is in the return (one case per child in care at the reference date), loading what the
rules read in a constant number of queries per chunk; `sinba_record` maps one case to its record, or to the keys
of what it lacks (tutela.returns.missing).
"""

from __future__ import annotations

import calendar
import datetime as dt
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from tutela.assessments.models import Assessment
from tutela.cases.models import Case, CaseEvent, CaseState
from tutela.intake.models import Referral
from tutela.people.models import Relationship
from tutela.reference.models import Code
from tutela.returns import codes
from tutela.returns.pseudonym import beneficiary_pseudonym
from tutela.services.models import FosterKind, FosterTime, Intervention, Placement, PlacementForm

CHUNK = 200  # cases loaded (with their prefetched rows) at a time: what bounds the memory of an export


@dataclass(frozen=True)
class SinbaContext:
    """What every record of one export shares."""

    reference_date: dt.date
    codes_by_id: dict[int, Code]
    take_in_charge_code: str = ""  # SIUSS code of the professional social service (ReportingBody)
    key: str | None = None  # TUTELA_RETURNS_KEY unless given

    @property
    def window_start(self) -> dt.date:
        """The first day of the 12 months before the reference date (the services a record lists)."""
        return months_before(self.reference_date, 12)

    def code(self, pk: int | None, code_list: str) -> str | None:
        found = self.codes_by_id.get(pk) if pk is not None else None
        return found.code if found is not None and found.code_list == code_list else None


@dataclass
class SinbaRecord:
    attributes: dict[str, str]
    services: list[str]
    family: list[str]


@dataclass
class SinbaOutcome:
    record: SinbaRecord | None
    missing: list[str] = field(default_factory=list)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the last day of that month when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day`, in the service's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def code_table() -> dict[int, Code]:
    return {c.pk: c for c in Code.objects.all()}


def sinba_cases(
    *, reference_date: dt.date, territory_id: int | None = None, municipality_id: int | None = None
) -> QuerySet[Case]:
    """The cases in charge at the reference date: their last state change by then left them in care (or with
    a closure requested but not confirmed). Ordered by child, most recent first: one record per child."""
    # The timeline also records the states of proposals and interventions: only the case's own count.
    last_state = (
        CaseEvent.objects.filter(
            case=OuterRef("pk"),
            at__lt=end_of_day(reference_date),
            code__startswith="cases.case.",
            to_state__in=CaseState.values,
        )
        .order_by("-at", "-pk")
        .values("to_state")[:1]
    )
    cases = Case.objects.annotate(state_at_date=Subquery(last_state)).filter(
        state_at_date__in=[CaseState.IN_CARE, CaseState.CLOSING]
    )
    if territory_id is not None:
        cases = cases.filter(territory_id=territory_id)
    if municipality_id is not None:
        cases = cases.filter(child__residence_municipality_id=municipality_id)
    window_start = months_before(reference_date, 12)
    interventions = (
        Intervention.objects.filter(started_on__isnull=False, started_on__lte=reference_date)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window_start))
        .select_related("service_type", "placement__facility")
        .defer("end_reason")
        .order_by("started_on", "pk")
    )
    parents_and_cohabitants = Relationship.objects.filter(
        Q(cohabiting=True) | Q(kind__in=["mother", "father"])
    ).select_related("relative__residence_municipality")
    return (
        cases.select_related("child__residence_municipality", "sinba_data")
        .defer("closure_note", "child__phone", "child__residence_address", "child__domicile_address")
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.only("case_id", "received_on", "source_id").order_by(
                    "received_on", "pk"
                ),
            ),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(grounds=True)
                .only("case_id", "child_problem_id", "family_problem_id", "assessed_at")
                .order_by("-assessed_at", "-pk"),
            ),
            Prefetch("interventions", queryset=interventions),
            Prefetch("child__relationships", queryset=parents_and_cohabitants),
            "sinba_data__family_composition",
        )
        .order_by("child_id", "-opened_at", "-pk")
    )


def collected(rows: Iterator[Any]) -> Iterator[Any]:
    """The rows, collecting the garbage after each chunk: prefetched rows point back to their case (reference
    cycles), which only the cycle collector frees; without this, memory would grow with the export."""
    for count, row in enumerate(rows, start=1):
        yield row
        if count % CHUNK == 0:
            gc.collect()


def sinba_iter(cases: QuerySet[Case]) -> Iterator[Case]:
    """The cases chunk by chunk, one per child (the first of each child: the most recently opened)."""
    last_child: int | None = None
    for case in collected(cases.iterator(chunk_size=CHUNK)):
        if case.child_id == last_child:
            continue
        last_child = case.child_id
        yield case


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age: int) -> str:
    """FasciaEtaBeneficiarioType: 0-3 .. 15-18; over 18 (prosieguo amministrativo) in the last band."""
    return str(min(6, max(0, age) // 3 + 1))


def month_year(day: dt.date) -> str:
    return f"{day:%m/%Y}"


def sinba_record(case: Case, ctx: SinbaContext) -> SinbaOutcome:
    """The SINBA record of the case's child, or what it lacks."""
    builder = _Builder(case, ctx)
    builder.build()
    if builder.missing:
        return SinbaOutcome(None, builder.missing)
    return SinbaOutcome(SinbaRecord(builder.attrs, builder.services, builder.family))


class _Builder:
    """One record, attribute by attribute in the XSD's order; each rule is a method."""

    def __init__(self, case: Case, ctx: SinbaContext) -> None:
        self.case = case
        self.ctx = ctx
        self.child = case.child
        self.data: Any = getattr(case, "sinba_data", None)
        self.attrs: dict[str, str] = {}
        self.missing: list[str] = []
        self.services: list[str] = []
        self.family: list[str] = []
        self.interventions = list(case.interventions.all())
        self.age: int | None = (
            age_on(self.child.birth_date, ctx.reference_date) if self.child.birth_date else None
        )

    # --- helpers

    def put(self, name: str, value: str | None, *, missing: str | None = None) -> None:
        if value:
            self.attrs[name] = value
        elif missing is not None:
            self.missing.append(missing)

    def value(self, field_name: str, code_list: str) -> str | None:
        if self.data is None:
            return None
        return self.ctx.code(getattr(self.data, f"{field_name}_id"), code_list)

    def placement(self, kind: str) -> Placement | None:
        """The latest placement of that kind started by the reference date, within the 12 months."""
        found = None
        for intervention in self.interventions:
            placement = getattr(intervention, "placement", None)
            if (
                placement is not None
                and placement.kind == kind
                and placement.starts_on <= self.ctx.reference_date
                and (placement.ended_on is None or placement.ended_on >= self.ctx.window_start)
            ):
                found = placement
        return found

    def current_placement(self) -> Placement | None:
        day = self.ctx.reference_date
        current = [
            p
            for p in (self.placement(Placement.Kind.FOSTER), self.placement(Placement.Kind.RESIDENTIAL))
            if p is not None and (p.ended_on is None or p.ended_on >= day)
        ]
        return max(current, key=lambda p: p.starts_on) if current else None

    # --- the record

    def build(self) -> None:
        self.put("IDBeneficiario", beneficiary_pseudonym(self.child.pk, key=self.ctx.key))
        self.child_rules()
        self.parent_rules()
        self.referral_rules()
        self.court_rules()
        self.placement_rules()
        self.closure_rules()
        self.put("CollaborazioniInterventi", self.value("collaboration", "CollaborazioniInterventiType"))
        self.put(
            "NumeroComponentiISEE", str(self.data.isee_household_size) if self._has_isee_size() else None
        )
        self.put("FasciaEtaBeneficiario", age_band(self.age) if self.age is not None else None)
        self.put("FasciaISEEBeneficiario", self.value("isee_band", "FasciaISEEBeneficiarioType"))
        if self.child.birth_date:
            self.put("AnnoNascita", f"{self.child.birth_date.year:04d}")
        else:
            self.missing.append("birth_date")
        self.residence_rules()
        self.service_rules()
        self.family_rules()

    def _has_isee_size(self) -> bool:
        return self.data is not None and self.data.isee_household_size is not None

    def child_rules(self) -> None:
        foreign = self.value("unaccompanied_foreign_minor", "MinoreStranieroNoAccType")
        if foreign is None and codes.is_italian(self.child.citizenship or ""):
            foreign = codes.NO  # an Italian citizen is never an unaccompanied foreign minor
        self.put("MinoreStranieroNoAcc", foreign, missing="unaccompanied_foreign_minor")
        self.put(
            "CondizioneMinore", self.value("orphan_status", "CondizioneMinoreType"), missing="orphan_status"
        )
        self.put("LuogoVita", self.living_place(), missing="living_place")
        self.put("ScuolaFrequentata", self.value("school", "ScuolaFrequentataType"), missing="school")
        work = self.value("work_condition", "CondizioneLavoroType")
        if work is None and self.age is not None and self.age < 16:
            work = "1"  # inattivo: under the minimum working age (L. 296/2006, art. 1 c. 622)
        self.put("CondizioneLavoro", work, missing="work_condition")
        disability = self.value("disability", "DisabilitaType")
        self.put("Disabilita", disability, missing="disability")
        if disability == codes.YES:
            self.put("TipoDisabilita", self.value("disability_kind", "TipoDisabilitaType"))
            self.put(
                "InvCivCertificazioni", self.value("disability_certification", "InvCivCertificazioniType")
            )

    def living_place(self) -> str | None:
        explicit = self.value("living_place", "LuogoVitaType")
        if explicit is not None:
            return explicit
        placement = self.current_placement()
        if placement is None:
            return None
        if placement.kind == Placement.Kind.RESIDENTIAL:
            return "4"  # in struttura residenziale sociale
        return "2" if placement.foster_kind == FosterKind.INTRA_FAMILY else "3"

    def parent_rules(self) -> None:
        parents: dict[str, Any] = {}
        for relation in self.child.relationships.all():
            if relation.kind in ("father", "mother") and relation.kind not in parents:
                parents[relation.kind] = relation.relative
        for kind, suffix in (("father", "Padre"), ("mother", "Madre")):
            parent = parents.get(kind)
            if parent is not None and codes.is_italian(parent.citizenship or ""):
                self.put(f"CodiceCittadinanza{suffix}", codes.ITALY)
            if parent is not None and parent.residence_municipality is not None:
                self.put(
                    f"CodiceRegioneResidenza{suffix}",
                    codes.region_code(parent.residence_municipality.region_name),
                )
        self.put("TitoloStudioPadre", self.value("father_education", "TitoloStudioType"))
        self.put("TitoloStudioMadre", self.value("mother_education", "TitoloStudioType"))
        self.put("OccupazionePadre", self.value("father_occupation", "OccupazioneType"))
        self.put("OccupazioneMadre", self.value("mother_occupation", "OccupazioneType"))

    def referral_rules(self) -> None:
        referrals = list(self.case.referrals.all())
        first = referrals[0] if referrals else None
        source = self.ctx.code(first.source_id, "FonteSegnalazioneType") if first else None
        if first is None or source is None:
            self.missing.append("first_referral")
        else:
            self.put("DataPrimaSegnalazione", month_year(first.received_on))
            self.put("FonteSegnalazione", source)
        assessments = list(self.case.assessments.all())
        latest = assessments[0] if assessments else None
        child_problem = self.ctx.code(latest.child_problem_id, "ValutazioneMinoreType") if latest else None
        family_problem = (
            self.ctx.code(latest.family_problem_id, "ValutazioneFamigliaMinoreType") if latest else None
        )
        self.put("ValutazioneMinore", child_problem, missing="child_problem")
        self.put("ValutazioneFamigliaMinore", family_problem, missing="family_problem")

    def court_rules(self) -> None:
        reported = self.value("reported_to_court", "SegnalazioneAutoritaGiudiziariaType")
        self.put("SegnalazioneAutoritaGiudiziaria", reported, missing="reported_to_court")
        if reported == codes.YES and self.data.reported_to_court_on:
            self.put("DataSegnalazione", month_year(self.data.reported_to_court_on))
        order = self.value("court_order", "ProvvedimentoGiudiziarioType")
        if order is None and any(
            p is not None and p.form == PlacementForm.JUDICIAL
            for p in (self.placement(Placement.Kind.FOSTER), self.placement(Placement.Kind.RESIDENTIAL))
        ):
            order = codes.YES  # a judicial placement stands on a court order
        self.put("ProvvedimentoGiudiziario", order, missing="court_order")
        if order == codes.YES and self.data is not None:
            if self.data.court_order_on:
                self.put("DataProvvedimentoGiudiziario", month_year(self.data.court_order_on))
            self.put("AutoritaProvvedimento", self.value("court_authority", "AutoritaProvvedimentoType"))
            self.put("PotestaTutela", self.value("parental_responsibility", "PotestaTutelaType"))
            self.put(
                "TipoProvvedimentoGiudiziario",
                self.value("court_order_kind", "TipoProvvedimentoGiudiziarioType"),
            )

    def placement_rules(self) -> None:
        foster = self.placement(Placement.Kind.FOSTER)
        if foster is not None:
            self.put("FormaInterventoAffido", foster.form)
            self.put("TipoInterventoAffido", foster.foster_kind)
            self.put("DurataAffido", foster.foster_time)
            if foster.foster_time == FosterTime.FULL_TIME:
                self.put("CarattereAffido", "1")  # a full-time foster placement is residential
            if foster.ended_on is not None:
                self.put("EsitoAffido", self.ctx.code(foster.outcome_id, "EsitoAffidoType"))
        residential = self.placement(Placement.Kind.RESIDENTIAL)
        if residential is not None:
            facility = residential.facility
            if facility is not None:
                self.put(
                    "CarattereInserimentoResidenziale",
                    self.ctx.code(facility.character_id, "CarattereInserimentoResidenzialeType"),
                )
            self.put("FormaInserimentoResidenziale", residential.form)
            self.put(
                "TipoInserimentoResidenziale",
                self.value("residential_with_parent", "TipoInserimentoResidenzialeType"),
            )
            if residential.ended_on is not None:
                self.put(
                    "EsitoInserimentoStruttura",
                    self.ctx.code(residential.outcome_id, "EsitoInserimentoStrutturaType"),
                )

    def closure_rules(self) -> None:
        if self.case.state != CaseState.CLOSED:
            return
        self.put(
            "MotivazioneChiusuraCarico",
            self.ctx.code(self.case.closure_reason_id, "MotivazioneChiusuraCaricoType"),
        )
        self.put("SituazioneChiusuraCarico", self.value("closure_situation", "SituazioneChiusuraCaricoType"))

    def residence_rules(self) -> None:
        municipality = self.child.residence_municipality
        if municipality is not None:
            self.put("CodiceRegioneResidenza", codes.region_code(municipality.region_name))
            self.put("CodiceNazioneResidenza", codes.ITALY)
        else:
            country = self.data.residence_country if self.data is not None else ""
            self.put("CodiceNazioneResidenza", country, missing="residence")

    def service_rules(self) -> None:
        found = {
            i.service_type.siuss_code.strip() for i in self.interventions if i.service_type.siuss_code.strip()
        }
        if self.ctx.take_in_charge_code:
            found.add(self.ctx.take_in_charge_code)
        self.services = sorted(c for c in found if 5 <= len(c) <= 10)
        if not self.services:
            self.missing.append("services")

    def family_rules(self) -> None:
        chosen: set[str] = set()
        if self.data is not None:
            chosen = {
                c.code
                for c in self.data.family_composition.all()
                if c.code_list == "ComposizioneFamigliaType"
            }
        if not chosen:
            chosen = {
                codes.FAMILY_COMPOSITION[r.kind]
                for r in self.child.relationships.all()
                if r.cohabiting and r.kind in codes.FAMILY_COMPOSITION
            }
        self.family = sorted(chosen, key=int)
        if not self.family:
            self.missing.append("family_composition")
