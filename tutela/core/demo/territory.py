"""The demo territory modelled on seed 000: SdS Area Pratese, its seven Comuni, offices, teams, one user per role.

Tests build the same territory (tutela/conftest.py), so the personas of the tests are the demo's users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tutela.accounts.models import Membership, Municipality, Organisation, Team, Territory, User
from tutela.accounts.roles import Role
from tutela.protocol.models import ProtocolRegister

TERRITORY_NAME = "SdS Area Pratese"
COMUNI = ["Prato", "Cantagallo", "Carmignano", "Montemurlo", "Poggio a Caiano", "Vaiano", "Vernio"]

# username, first name, last name, role, organisation key, team key, profession
USERS = [
    (
        "protocollo",
        "Paola",
        "Bindi",
        Role.PROTOCOL_OFFICER,
        "protocol_office",
        None,
        "Istruttore amministrativo",
    ),
    ("segretariato", "Sara", "Lenzi", Role.FRONT_OFFICE, "pass_prato", None, "Assistente sociale"),
    (
        "segretariato.montemurlo",
        "Marco",
        "Gori",
        Role.FRONT_OFFICE,
        "desk_montemurlo",
        None,
        "Assistente sociale",
    ),
    ("coordinatore", "Carlo", "Mazzei", Role.COORDINATOR, "sds", None, "Coordinatore professionale"),
    ("assistente", "Anna", "Ricci", Role.SOCIAL_WORKER, "sds", "team_a", "Assistente sociale"),
    ("assistente2", "Luca", "Bartolini", Role.SOCIAL_WORKER, "sds", "team_b", "Assistente sociale"),
    (
        "amministrativo",
        "Giulia",
        "Nesti",
        Role.ADMIN_OFFICER,
        "admin_office",
        None,
        "Istruttore amministrativo",
    ),
    ("sds", "Roberto", "Vannucci", Role.MANAGING_BODY, "sds", None, "Funzionario SdS"),
    (
        "comune",
        "Elena",
        "Franchi",
        Role.MUNICIPALITY_OFFICER,
        "comune_montemurlo",
        None,
        "Responsabile servizi sociali",
    ),
    ("educatore", "Davide", "Pieri", Role.EDUCATOR, "provider", None, "Educatore professionale"),
    (
        "cooperativa",
        "Marta",
        "Lenzi",
        Role.PROVIDER_COORDINATOR,
        "provider",
        None,
        "Coordinatrice del servizio educativo domiciliare",
    ),
    ("psicologa", "Chiara", "Santini", Role.HEALTH_PROFESSIONAL, "ausl", None, "Psicologa"),
    ("dirigente", "Francesca", "Biagini", Role.MANAGER, "sds", None, "Dirigente"),
    ("dpo", "Stefano", "Moretti", Role.PRIVACY_OFFICER, "sds", None, "Responsabile protezione dati"),
    ("admin", "Amministratore", "di sistema", Role.SYSADMIN, "sds", None, "Amministratore di sistema"),
]

THIRD_PARTIES = [
    (
        "court_tm",
        "Tribunale per i minorenni di Firenze",
        Organisation.Kind.COURT,
        "tribmin.firenze@example.invalid",
    ),
    ("court_to", "Tribunale ordinario di Prato", Organisation.Kind.COURT, "tribunale.prato@example.invalid"),
    (
        "school",
        "Istituto comprensivo «Convenevole da Prato»",
        Organisation.Kind.SCHOOL,
        "poic800001@example.invalid",
    ),
    ("school2", "Istituto comprensivo di Montemurlo", Organisation.Kind.SCHOOL, "poic800002@example.invalid"),
    ("police", "Questura di Prato", Organisation.Kind.POLICE, "questura.prato@example.invalid"),
    ("carabinieri", "Carabinieri — Compagnia di Prato", Organisation.Kind.POLICE, "cc.prato@example.invalid"),
    (
        "consultorio",
        "Consultorio familiare AUSL Toscana Centro",
        Organisation.Kind.HEALTH_AUTHORITY,
        "consultorio.prato@example.invalid",
    ),
]


@dataclass
class DemoTerritory:
    territory: Territory
    municipalities: dict[str, Municipality]
    organisations: dict[str, Organisation]
    users: dict[str, User] = field(default_factory=dict)
    register: ProtocolRegister | None = None


def _municipality(name: str) -> Municipality:
    return Municipality.objects.get(name=name, province_abbr="PO")


@transaction.atomic
def territory_build(*, password: str, name: str = TERRITORY_NAME) -> DemoTerritory:
    """Create (or fetch) the territory with its offices, teams and users; idempotent."""
    municipalities = {n: _municipality(n) for n in COMUNI}
    prato = municipalities["Prato"]
    sds, _ = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "kind": Organisation.Kind.CONSORTIUM,
            "municipality": prato,
            "email": "tutela.minori@sds-pratese.example.invalid",
            "address": "Via Roma 101, 59100 Prato",
        },
    )
    territory, _ = Territory.objects.get_or_create(
        name=name,
        defaults={
            "managing_body": sds,
            "lead_municipality": prato,
            "take_in_charge_days": 10,
            # Prato's patron, Santo Stefano (26 December), falls on a national holiday: no extra day off.
            "patron_saint_month": 12,
            "patron_saint_day": 26,
        },
    )
    territory.municipalities.set(municipalities.values())
    orgs: dict[str, Organisation] = {"sds": sds}

    def org(
        key: str, org_name: str, kind: str, municipality: Municipality | None, email: str
    ) -> Organisation:
        obj, _ = Organisation.objects.get_or_create(
            name=org_name,
            defaults={"kind": kind, "municipality": municipality, "email": email, "territory": territory},
        )
        orgs[key] = obj
        return obj

    sds.territory = territory
    sds.save(update_fields=["territory"])
    for comune in COMUNI:
        slug = comune.lower().replace(" ", "")
        org(
            f"comune_{slug}",
            f"Comune di {comune}",
            Organisation.Kind.MUNICIPALITY,
            municipalities[comune],
            f"servizisociali@comune.{slug}.example.invalid",
        )
    org(
        "protocol_office",
        "Comune di Prato — Ufficio Protocollo",
        Organisation.Kind.OTHER,
        prato,
        "protocollo@comune.prato.example.invalid",
    )
    org(
        "pass_prato",
        "PASS — Segretariato sociale di Prato",
        Organisation.Kind.OTHER,
        prato,
        "pass@comune.prato.example.invalid",
    )
    org(
        "desk_montemurlo",
        "Segretariato sociale di Montemurlo",
        Organisation.Kind.OTHER,
        municipalities["Montemurlo"],
        "segretariato@comune.montemurlo.example.invalid",
    )
    admin_office = org(
        "admin_office",
        "Comune di Prato — Area amministrativa Minori",
        Organisation.Kind.OTHER,
        prato,
        "area.minori@comune.prato.example.invalid",
    )
    org(
        "provider",
        "Cooperativa sociale Il Girasole",
        Organisation.Kind.PROVIDER,
        prato,
        "adm@ilgirasole.example.invalid",
    )
    org(
        "ausl",
        "AUSL Toscana Centro — Zona Pratese",
        Organisation.Kind.HEALTH_AUTHORITY,
        prato,
        "zona.pratese@ausl.example.invalid",
    )
    for key, org_name, kind, email in THIRD_PARTIES:
        org(key, org_name, kind, None, email)
    register, _ = ProtocolRegister.objects.get_or_create(
        code="c_g999",
        defaults={
            "aoo_code": "AOO_PRATO",
            "name": "Registro ufficiale del Comune di Prato",
            "organisation": orgs["protocol_office"],
        },
    )
    territory.admin_office = admin_office
    territory.protocol_register = register
    territory.save(update_fields=["admin_office", "protocol_register"])
    teams = {
        "team_a": Team.objects.get_or_create(name="Équipe Prato Nord", organisation=sds)[0],
        "team_b": Team.objects.get_or_create(name="Équipe Prato Sud e Val di Bisenzio", organisation=sds)[0],
    }
    demo = DemoTerritory(
        territory=territory, municipalities=municipalities, organisations=orgs, register=register
    )
    for username, first, last, role, org_key, team_key, profession in USERS:
        demo.users[username] = _user(
            username, first, last, role, orgs[org_key], teams.get(team_key or ""), profession, password
        )
    return demo


def _user(
    username: str,
    first: str,
    last: str,
    role: str,
    organisation: Organisation,
    team: Any,
    profession: str,
    password: str,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            first_name=first,
            last_name=last,
            password=password,
            profession=profession,
            email=f"{username}@sds-pratese.example.invalid",
            is_staff=role == Role.SYSADMIN,
            is_superuser=role == Role.SYSADMIN,
        )
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role, defaults={"team": team})
    return user
