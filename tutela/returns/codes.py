"""Fixed values of the INPS flows that are not SINBA code lists (those are reference.Code rows).

Each constant names the XSD type it comes from (../shared/domain/inps/*.xsd); the region table is ISTAT's.
"""

from __future__ import annotations

# Namespace of both INPS "Casellario" schemas (SINBA.xsd, PS_PSA_SINA201806.xsd).
NAMESPACE = "http://inps.it/Casellario"

# ISTAT code of Italy among the States (codifica a 3 cifre degli Stati esteri, ISTAT/Ministero dell'Interno).
ITALY = "100"

# SINBA.xsd: every yes/no list (DisabilitaType, MinoreStranieroNoAccType, SegnalazioneAutoritaGiudiziariaType,
# ProvvedimentoGiudiziarioType) and PS PresaCaricoType use "1" for SI and "2" for NO.
YES = "1"
NO = "2"

# PS_PSA_SINA201806.xsd
OPERATION_INSERT = "I"  # TipoOperazioneType
MEANS_TEST_ISEE = "1"  # PresenzaProvaMezziType: prestazione soggetta a ISEE
MEANS_TEST_NONE = "4"  # PresenzaProvaMezziType: non soggetta a prova dei mezzi
PERIODIC = "1"  # CaratterePrestazioneType
ONE_OFF = "2"  # CaratterePrestazioneType
AREA_FAMILY_AND_CHILDREN = "1"  # AreaUtenzaType: Famiglia e minori
SEX_TO_GENDER = {"M": "1", "F": "2"}  # GenereType

# The ISTAT code of each region, by the name the municipalities table (accounts/data) uses.
REGION_CODES = {
    "Piemonte": "01",
    "Valle d'Aosta/Vallée d'Aoste": "02",
    "Lombardia": "03",
    "Trentino-Alto Adige/Südtirol": "04",
    "Veneto": "05",
    "Friuli-Venezia Giulia": "06",
    "Liguria": "07",
    "Emilia-Romagna": "08",
    "Toscana": "09",
    "Umbria": "10",
    "Marche": "11",
    "Lazio": "12",
    "Abruzzo": "13",
    "Molise": "14",
    "Campania": "15",
    "Puglia": "16",
    "Basilicata": "17",
    "Calabria": "18",
    "Sicilia": "19",
    "Sardegna": "20",
}

# Person.citizenship is free text: these spellings mean Italian citizenship.
ITALIAN_CITIZENSHIP = {"italiana", "italiano", "italia", "it", "ita"}

# people.Relationship.kind of a cohabiting relative -> SINBA ComposizioneFamigliaType
FAMILY_COMPOSITION = {
    "mother": "1",
    "father": "2",
    "sibling": "3",
    "grandparent": "4",
    "parent_partner": "5",
    "other_cohabitant": "6",
    "relative": "6",
    "guardian": "6",
    "foster_carer": "6",
}

# The pattern both schemas give a codice fiscale (16 characters) or a partita IVA (11 digits).
FISCAL_CODE_PATTERN = r"^(?:[A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z][A-Za-z0-9]{3}[A-Za-z]|\d{11} {0,5})$"


def region_code(region_name: str) -> str | None:
    return REGION_CODES.get(region_name)


def is_italian(citizenship: str) -> bool:
    return citizenship.strip().lower() in ITALIAN_CITIZENSHIP
