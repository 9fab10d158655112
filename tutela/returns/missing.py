"""What a record may lack, in words, and where it is fixed (the SINBA data form, the case page, the catalogue)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Fix(StrEnum):
    SINBA_FORM = "sinba_form"  # returns:sinba_data, the lead social worker's form
    CASE = "case"  # the case page: referral, assessment, the child's personal data, the intervention
    CATALOGUE = "catalogue"  # the service catalogue (SIUSS code of a service type)


MISSING: dict[str, tuple[Promise, Fix]] = {
    # SINBA: the child
    "birth_date": (_("data di nascita del minore"), Fix.CASE),
    "residence": (_("Comune o Stato di residenza del minore"), Fix.SINBA_FORM),
    "unaccompanied_foreign_minor": (_("minore straniero non accompagnato (sì/no)"), Fix.SINBA_FORM),
    "orphan_status": (_("condizione del minore (orfano)"), Fix.SINBA_FORM),
    "living_place": (_("dove vive il minore"), Fix.SINBA_FORM),
    "school": (_("scuola frequentata"), Fix.SINBA_FORM),
    "work_condition": (_("condizione lavorativa"), Fix.SINBA_FORM),
    "disability": (_("disabilità (sì/no)"), Fix.SINBA_FORM),
    "family_composition": (_("conviventi del minore"), Fix.SINBA_FORM),
    "reported_to_court": (_("segnalazione all'Autorità giudiziaria (sì/no)"), Fix.SINBA_FORM),
    "court_order": (_("provvedimento dell'Autorità giudiziaria (sì/no)"), Fix.SINBA_FORM),
    # SINBA: referral, assessment, services
    "first_referral": (_("prima segnalazione (data e fonte)"), Fix.CASE),
    "child_problem": (_("problematica prevalente del minore (valutazione)"), Fix.CASE),
    "family_problem": (_("problematica prevalente della famiglia (valutazione)"), Fix.CASE),
    "services": (
        _("prestazioni con codice SIUSS nei 12 mesi precedenti (interventi o presa in carico)"),
        Fix.CASE,
    ),
    # SIUSS prestazioni: the beneficiary
    "fiscal_code": (_("codice fiscale del minore"), Fix.CASE),
    "birth_place": (_("luogo di nascita del minore"), Fix.CASE),
    "sex": (_("sesso del minore"), Fix.CASE),
    "citizenship": (_("cittadinanza del minore (codice ISTAT dello Stato)"), Fix.SINBA_FORM),
    # SIUSS prestazioni: the intervention
    "siuss_code": (_("codice prestazione SIUSS del servizio nel catalogo"), Fix.CATALOGUE),
    "review": (_("istruttoria amministrativa dell'intervento"), Fix.CASE),
    "dsu_protocol": (_("protocollo della DSU (prestazione con ISEE)"), Fix.CASE),
    "request_protocol": (_("protocollo o atto di autorizzazione della domanda"), Fix.CASE),
}


@dataclass(frozen=True)
class MissingItem:
    label: str
    url: str
    fix: Fix


def missing_items(keys: list[str], *, case_id: int, service_type_id: int | None = None) -> list[MissingItem]:
    """The missing data of one record, in words, each with the page where it is fixed."""
    items = []
    for key in keys:
        label, fix = MISSING.get(key, (key, Fix.CASE))
        items.append(MissingItem(str(label), _fix_url(fix, case_id, service_type_id), fix))
    return items


def _fix_url(fix: Fix, case_id: int, service_type_id: int | None) -> str:
    if fix == Fix.SINBA_FORM:
        return reverse("returns:sinba_data", kwargs={"pk": case_id})
    if fix == Fix.CATALOGUE and service_type_id is not None:
        # The catalogue page of the managing body, else the administration's.
        for name in ("catalogue:service_type_edit", "admin:services_servicetype_change"):
            try:
                return reverse(name, args=[service_type_id])
            except NoReverseMatch:
                continue
    return reverse("cases:detail", kwargs={"pk": case_id})
