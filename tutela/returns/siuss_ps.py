"""The SIUSS prestazioni sociali flow (INPS PS_PSA_SINA201806.xsd), by the rules of docs/returns/siuss-ps-mapping.md.

This is the INPS Casellario dell'assistenza flow: it names the beneficiary by codice fiscale, by law
(D.L. 78/2010 art. 13, D.Lgs. 147/2017 art. 24), unlike SINBA. One Beneficiario per child, with one
PrestazioniSociali per intervention delivered in the period.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tutela.returns import codes
from tutela.returns.sinba import CHUNK, collected
from tutela.services.models import DeliveryRecord, Intervention, ServiceType

CENT = Decimal("0.01")
DSU_YEAR = re.compile(r"(?:^|\D)((?:19|20)\d{2})(?:\D|$)")  # INPS-ISEE-2025-00012345X-00 -> 2025
FISCAL_CODE = re.compile(codes.FISCAL_CODE_PATTERN)


@dataclass(frozen=True)
class PsContext:
    period_from: dt.date
    period_to: dt.date


@dataclass
class Beneficiary:
    fiscal_code: str
    personal: dict[str, str]
    address: dict[str, str] | None
    services: list[dict[str, str]]


@dataclass
class PsIssue:
    case_id: int
    intervention_id: int
    service_type_id: int
    missing: list[str]


@dataclass
class BeneficiaryOutcome:
    beneficiary: Beneficiary | None
    issues: list[PsIssue] = field(default_factory=list)
    interventions: int = 0


def months_in(first: dt.date, last: dt.date) -> int:
    """How many calendar months the days first..last touch (0 when last < first)."""
    if last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def period_months(period_from: dt.date, period_to: dt.date) -> int:
    return months_in(period_from, period_to)


def ps_interventions(
    *,
    period_from: dt.date,
    period_to: dt.date,
    territory_id: int | None = None,
    municipality_id: int | None = None,
) -> QuerySet[Intervention]:
    """The interventions delivered in the period (started by its end, not ended before its start), by child."""
    interventions = Intervention.objects.filter(started_on__isnull=False, started_on__lte=period_to).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period_from)
    )
    if territory_id is not None:
        interventions = interventions.filter(case__territory_id=territory_id)
    if municipality_id is not None:
        interventions = interventions.filter(case__child__residence_municipality_id=municipality_id)
    deliveries = DeliveryRecord.objects.filter(day__gte=period_from, day__lte=period_to).only(
        "intervention_id", "units", "day"
    )
    return (
        interventions.select_related(
            "case__child__residence_municipality",
            "case__child__birth_place",
            "case__sinba_data",
            "service_type",
            "proposal__review",
            "proposal__approval_protocol",
            "contract_rate",
        )
        .defer(
            "end_reason",
            "case__closure_note",
            "proposal__motivation",
            "proposal__return_reason",
            "proposal__rejection_reason",
            "proposal__review__denial_reason",
        )
        .prefetch_related(Prefetch("deliveries", queryset=deliveries, to_attr="period_deliveries"))
        .order_by("case__child_id", "started_on", "pk")
    )


def ps_beneficiaries(interventions: QuerySet[Intervention], ctx: PsContext) -> Iterator[BeneficiaryOutcome]:
    """One outcome per child: the Beneficiario (when at least one intervention can be reported) and the
    interventions that cannot, with what they lack. Streams the interventions chunk by chunk."""
    rows = collected(interventions.iterator(chunk_size=CHUNK))
    for _child_id, group in itertools.groupby(rows, key=lambda i: i.case.child_id):
        yield _beneficiary(list(group), ctx)


def _beneficiary(interventions: list[Intervention], ctx: PsContext) -> BeneficiaryOutcome:
    child = interventions[0].case.child
    personal, personal_missing = _personal(child, interventions)
    outcome = BeneficiaryOutcome(None, interventions=len(interventions))
    services = []
    for intervention in interventions:
        attrs, missing = _service(intervention, ctx)
        missing = personal_missing + missing
        if missing:
            outcome.issues.append(
                PsIssue(intervention.case_id, intervention.pk, intervention.service_type_id, missing)
            )
        else:
            services.append(attrs)
    if services:
        outcome.beneficiary = Beneficiary(
            fiscal_code=(child.fiscal_code or "").upper(),
            personal=personal,
            address=_address(child, interventions),
            services=services,
        )
    return outcome


def _citizenship(child: Any, interventions: list[Intervention]) -> str | None:
    if codes.is_italian(child.citizenship or ""):
        return codes.ITALY
    for intervention in interventions:
        data = getattr(intervention.case, "sinba_data", None)
        if data is not None and data.citizenship_code:
            return str(data.citizenship_code)
    return None


def _personal(child: Any, interventions: list[Intervention]) -> tuple[dict[str, str], list[str]]:
    """The Anagrafica attributes, in the XSD's order, and what is missing for them."""
    missing = []
    fiscal_code = (child.fiscal_code or "").strip()
    if not FISCAL_CODE.match(fiscal_code):
        missing.append("fiscal_code")
    birth_place = child.birth_place.belfiore_code if child.birth_place is not None else ""
    if not birth_place and len(fiscal_code) == 16:
        birth_place = fiscal_code[11:15].upper()  # the codice fiscale carries the place of birth
    gender = codes.SEX_TO_GENDER.get(child.sex or "")
    citizenship = _citizenship(child, interventions)
    for key, present in (
        ("birth_date", child.birth_date),
        ("birth_place", birth_place),
        ("sex", gender),
        ("citizenship", citizenship),
    ):
        if not present:
            missing.append(key)
    if missing:
        return {}, missing
    personal = {
        "Cognome": child.surname.strip()[:36],
        "Nome": child.given_name.strip()[:36],
        "AnnoNascita": f"{child.birth_date.year:04d}",
        "LuogoNascita": birth_place,
        "Genere": str(gender),
        "CodiceCittadinanza": str(citizenship),
    }
    return personal, []


def _address(child: Any, interventions: list[Intervention]) -> dict[str, str] | None:
    municipality = child.residence_municipality
    if municipality is not None:
        address = {"CodiceComune": municipality.istat_code, "CodiceNazione": codes.ITALY}
        region = codes.region_code(municipality.region_name)
        return {"CodiceRegione": region, **address} if region else address
    for intervention in interventions:
        data = getattr(intervention.case, "sinba_data", None)
        if data is not None and data.residence_country:
            return {"CodiceNazione": str(data.residence_country)}
    return None


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _service(intervention: Intervention, ctx: PsContext) -> tuple[dict[str, str], list[str]]:
    """The PrestazioniSociali attributes of one intervention, and what it lacks."""
    missing = []
    service_type = intervention.service_type
    code = service_type.siuss_code.strip()
    if not 5 <= len(code) <= 10:
        missing.append("siuss_code")
    review = getattr(intervention.proposal, "review", None)
    if review is None:
        missing.append("review")
    elif review.means_tested and not review.dsu_protocol.strip():
        missing.append("dsu_protocol")
    request = _request_protocol(intervention, review)
    if not request:
        missing.append("request_protocol")
    if missing or review is None:
        return {}, missing
    attrs = {
        "TipoOperazione": codes.OPERATION_INSERT,
        "PresenzaProvaMezzi": codes.MEANS_TEST_ISEE if review.means_tested else codes.MEANS_TEST_NONE,
        "CaratterePrestazione": codes.ONE_OFF
        if service_type.unit == ServiceType.Unit.ONE_OFF
        else codes.PERIODIC,
    }
    if review.means_tested:
        attrs["NumeroProtocolloDSU"] = review.dsu_protocol.strip()[:30]
        year = DSU_YEAR.search(review.dsu_protocol)
        if year:
            attrs["AnnoProtocolloDSU"] = year.group(1)
    attrs["CodicePrestazione"] = code
    attrs["DenominazionePrestazione"] = _denomination(service_type.name)
    attrs["ProtocolloDomanda"] = request
    if review.act_date:
        attrs["DataEvento"] = review.act_date.isoformat()
    assert intervention.started_on is not None  # ps_interventions selects started ones
    attrs["DataInizioPrestazione"] = intervention.started_on.isoformat()
    if intervention.ended_on is not None and intervention.ended_on <= ctx.period_to:
        attrs["DataFinePrestazione"] = intervention.ended_on.isoformat()
    if service_type.unit == ServiceType.Unit.ONE_OFF:
        attrs["DataErogazionePrestazione"] = intervention.started_on.isoformat()
    attrs.update(_amounts(intervention, review, ctx))
    attrs["PresaCarico"] = codes.YES if service_type.implies_take_in_charge else codes.NO
    attrs["AreaUtenza"] = codes.AREA_FAMILY_AND_CHILDREN
    return attrs, []


def _denomination(name: str) -> str:
    """DenominazionePrestazione: 10-200 characters."""
    text = name.strip()
    if len(text) < 10:
        text = f"Prestazione sociale: {text}"
    return text[:200]


def _request_protocol(intervention: Intervention, review: Any) -> str:
    """ProtocolloDomanda: the protocol number of the approved proposal, else the authorisation act's."""
    entry = intervention.proposal.approval_protocol
    if entry is not None:
        return entry.display_number[:32]
    if review is not None and review.act_number.strip():
        return f"Atto {review.act_number.strip()}"[:32]
    return ""


def _active_months(intervention: Intervention, ctx: PsContext) -> int:
    assert intervention.started_on is not None
    first = max(ctx.period_from, intervention.started_on)
    last = min(ctx.period_to, intervention.ended_on or ctx.period_to)
    return months_in(first, last)


def _amounts(intervention: Intervention, review: Any, ctx: PsContext) -> dict[str, str]:
    """PeriodoErogazione, ImportoPrestazione/Mensile, the three shares and OreServizioMensile."""
    months = _active_months(intervention, ctx)
    out: dict[str, str] = {}
    if months < 1:
        return out
    out["PeriodoErogazione"] = str(min(12, months))
    deliveries = getattr(intervention, "period_deliveries", [])
    units = sum((d.units for d in deliveries), Decimal("0"))
    unit = intervention.service_type.unit
    if unit == ServiceType.Unit.HOURS and units > 0:
        out["OreServizioMensile"] = str(min(999, int((units / months).to_integral_value(ROUND_HALF_UP))))
    cost = intervention.unit_cost
    if cost is None and intervention.contract_rate is not None:
        cost = intervention.contract_rate.unit_cost
    amount = _amount(unit, cost, units, months, intervention, ctx)
    if amount is None:
        return out
    out["ImportoPrestazione"] = _money(amount)
    out["ImportoMensile"] = _money(amount / months)
    out.update(_shares(amount, review))
    return out


def _amount(
    unit: str, cost: Decimal | None, units: Decimal, months: int, intervention: Intervention, ctx: PsContext
) -> Decimal | None:
    if cost is None:
        return None
    if unit in (ServiceType.Unit.HOURS, ServiceType.Unit.DAYS):
        return cost * units if units > 0 else None
    if unit == ServiceType.Unit.MONTHS:
        return cost * months
    started = intervention.started_on
    return cost if started is not None and ctx.period_from <= started <= ctx.period_to else None


def _shares(amount: Decimal, review: Any) -> dict[str, str]:
    """The amount split as the authorisation's cost shares (Comune, family, health service); without shares,
    the whole amount is the ente's. Rounded to the cent, the remainder on the ente's share."""
    parts = {
        "ImportoQuotaEnte": review.share_municipality or Decimal("0"),
        "ImportoQuotaUtente": review.share_family or Decimal("0"),
        "ImportoQuotaSSN": review.share_health or Decimal("0"),
    }
    total = sum(parts.values(), Decimal("0"))
    if total <= 0:
        return {"ImportoQuotaEnte": _money(amount)}
    user = (amount * parts["ImportoQuotaUtente"] / total).quantize(CENT, rounding=ROUND_HALF_UP)
    health = (amount * parts["ImportoQuotaSSN"] / total).quantize(CENT, rounding=ROUND_HALF_UP)
    out = {"ImportoQuotaEnte": _money(amount.quantize(CENT, rounding=ROUND_HALF_UP) - user - health)}
    if parts["ImportoQuotaUtente"] > 0:
        out["ImportoQuotaUtente"] = _money(user)
    if parts["ImportoQuotaSSN"] > 0:
        out["ImportoQuotaSSN"] = _money(health)
    return out
