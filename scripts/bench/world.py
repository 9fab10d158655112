"""The reference data the synthetic cases point to, read once: the demo territory, its users, Comuni, codes,
services, and the encrypted texts (a handful, encrypted once with the project's crypto helper)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings

from scripts.bench.population import INTERVENTION_SERVICES, ITALIAN_BIRTHPLACES, REFERRAL_SENDERS, TEXTS

# The role codes an audit event records for each demo user (tutela.audit.services: sorted, comma-separated).
SOCIAL_WORKER_ROLES = "SOCIAL_WORKER"
TOKENS_PER_TEXT = 3  # a few tokens of each text, so that stored values differ as in real life


@dataclass
class World:
    territory_id: int
    prefix: str
    users: dict[str, int]
    roles: dict[int, str]
    orgs: dict[str, int]
    org_names: dict[str, str]
    comuni: list[tuple[int, str]]
    comuni_weights: list[float]
    birthplaces: list[tuple[str, int]]
    birthplace_weights: list[float]
    senders: list[tuple[int, int, str]]  # organisation id, source code id, organisation name
    sender_weights: list[float]
    direct_source: int
    closure_reasons: dict[str, int]
    child_problems: list[int]
    family_problems: list[int]
    services: list[tuple[int, str]]  # id, delivery
    service_weights: list[float]
    tokens: dict[str, list[str]]
    names: dict[int, str]  # user id -> full name, for event descriptions


def world_load(rng: random.Random) -> World:
    """Build (idempotently, as seed_demo does) and read the demo territory."""
    from tutela.accounts.models import Municipality
    from tutela.accounts.roles import Role
    from tutela.core.demo.territory import territory_build
    from tutela.reference.models import Code, CodeList

    demo = territory_build(password=settings.TUTELA_DEMO_PASSWORD)
    users = {name: user.pk for name, user in demo.users.items()}
    roles = {}
    for user in demo.users.values():
        roles[user.pk] = ",".join(sorted({m.role for m in user.memberships.all()}))
    if roles[users["assistente"]] != Role.SOCIAL_WORKER:
        raise RuntimeError("the demo's 'assistente' is not a social worker any more: update scripts/bench")
    comuni = sorted(demo.municipalities.values(), key=lambda m: m.name)
    places = Municipality.objects.filter(belfiore_code__in=[code for code, _w in ITALIAN_BIRTHPLACES])
    place_ids = dict(places.values_list("belfiore_code", "pk"))
    codes = {(c.code_list, c.code): c.pk for c in Code.objects.all()}
    orgs = {key: org.pk for key, org in demo.organisations.items()}
    return World(
        territory_id=demo.territory.pk,
        prefix=demo.territory.case_code_prefix,
        users=users,
        roles=roles,
        orgs=orgs,
        org_names={key: org.name for key, org in demo.organisations.items()},
        comuni=[(m.pk, m.name) for m in comuni],
        comuni_weights=[float(m.population or 1000) for m in comuni],
        birthplaces=[(code, place_ids[code]) for code, _w in ITALIAN_BIRTHPLACES if code in place_ids],
        birthplace_weights=[float(w) for code, w in ITALIAN_BIRTHPLACES if code in place_ids],
        senders=[
            (orgs[key], codes[(CodeList.REFERRAL_SOURCE, source)], demo.organisations[key].name)
            for key, source, _w in REFERRAL_SENDERS
        ],
        sender_weights=[float(w) for _k, _s, w in REFERRAL_SENDERS],
        direct_source=codes[(CodeList.REFERRAL_SOURCE, "8")],
        closure_reasons={code: pk for (name, code), pk in codes.items() if name == CodeList.CLOSURE_REASON},
        child_problems=[pk for (name, _c), pk in codes.items() if name == CodeList.CHILD_PROBLEM],
        family_problems=[pk for (name, _c), pk in codes.items() if name == CodeList.FAMILY_PROBLEM],
        services=_services(),
        service_weights=[float(w) for _c, w in INTERVENTION_SERVICES],
        tokens=_tokens(),
        names={user.pk: user.get_full_name() for user in demo.users.values()},
    )


def _services() -> list[tuple[int, str]]:
    from tutela.services.models import ServiceType

    by_code = {s.code: s for s in ServiceType.objects.all()}
    return [(by_code[code].pk, by_code[code].delivery) for code, _w in INTERVENTION_SERVICES]


def _tokens() -> dict[str, list[str]]:
    from tutela.core import crypto

    return {
        key: [crypto.encrypt(t) for t in texts for _ in range(TOKENS_PER_TEXT)]
        for key, texts in TEXTS.items()
    }
