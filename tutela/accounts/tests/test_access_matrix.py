"""The access matrix (STYLE.md, Tests; DESIGN.md section 5): every URL of the project, every role, a case
in and out of the role's scope, through the Django test client.

A URL added to the project without a row in MATRIX fails `test_every_url_has_a_row_in_the_matrix`.
Cases are built once per test (conftest.world_build) and the roles are walked inside the test, collecting
every wrong answer, so one run reports the whole matrix and stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tutela.accounts.models import User
from tutela.accounts.tests.conftest import PUBLIC, SECRET, World, login
from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseState
from tutela.cases.views import CASE_ACTIONS
from tutela.core.demo.territory import DemoTerritory
from tutela.court.testing import court_matrix_targets
from tutela.court.views import ORDER_ACTIONS as COURT_ORDER_ACTIONS
from tutela.deadlines.models import Deadline
from tutela.meetings.tests.matrix import (
    MEETING_MANAGERS,
    MEETING_OVERSEERS,
    MEETING_VIEWERS,
    MEETINGS_AUDITED_READS,
    NETWORK_MANAGERS,
    NETWORK_VIEWERS,
    ROOM_MANAGERS,
    VISIT_MANAGERS,
    meetings_expected,
    meetings_matrix_targets,
)
from tutela.meetings.views.meetings import ACTIONS as MEETING_ACTIONS
from tutela.meetings.views.teams import TEAM_ACTIONS as MICRO_TEAM_ACTIONS
from tutela.meetings.views.visits import VISIT_ACTIONS
from tutela.returns.tests.matrix import RETURN_EXPORTERS, RETURN_READERS, batch_kwargs
from tutela.services.tests.educational_setup import educational_matrix_targets, educational_refused_to
from tutela.services.views import ACTIONS as PROPOSAL_ACTIONS
from tutela.services.views_controls import CONTROL_ACTIONS
from tutela.services.views_delivery import ACTIONS as INTERVENTION_ACTIONS
from tutela.services.views_educational import ACTIONS as EDUCATIONAL_ACTIONS

OUTSIDER = "estraneo"
ROLES = (
    "protocollo",
    "segretariato",
    "segretariato.montemurlo",
    "coordinatore",
    "assistente",
    "assistente2",
    "amministrativo",
    "sds",
    "comune",
    "educatore",
    "cooperativa",
    "psicologa",
    "dirigente",
    "dpo",
    "admin",
    OUTSIDER,
)
MISSING = 987654321  # a pk that exists nowhere: out of scope must answer exactly like it


@dataclass(frozen=True)
class Page:
    """A page outside any case: `allowed` get 200, every other logged-in user 404."""

    allowed: frozenset[str]
    query: str = ""
    reauth: bool = False  # `allowed` are first sent to confirm their identity (302 to accounts:reauth)
    kwargs: Callable[[DemoTerritory], dict[str, int]] | None = None  # the URL's arguments, from the demo


@dataclass(frozen=True)
class CaseScoped:
    """A URL about one case; `target` is what its pk names: a case, a proposal, an intervention or an
    attachment."""

    target: str
    slugs: tuple[str, ...] = ()
    method: str = "get"


CASE_READERS = frozenset(ROLES) - {"protocollo", "dpo", "admin", OUTSIDER}
BREAK_GLASS_USERS = frozenset({"coordinatore", "assistente", "assistente2", "psicologa", "dirigente"})
CATALOGUE_MANAGERS = frozenset({"amministrativo", "sds"})
COST_READERS = frozenset({"amministrativo", "sds", "comune", "dirigente"})


def _catalogue_page(pick: Callable[[Any], dict[str, int]]) -> Page:
    """A catalogue page about one object of the demo's service delivery data (services/demo.py)."""

    def kwargs(demo: DemoTerritory) -> dict[str, int]:
        from tutela.services.demo import seed_services

        return pick(seed_services(demo))

    return Page(CATALOGUE_MANAGERS, kwargs=kwargs)


def _service_type_pk(code: str) -> int:
    from tutela.services.models import ServiceType

    return ServiceType.objects.get(code=code).pk


# Indicators, objectives and satisfaction surveys (ADR 0013); what they show: tutela/indicators/tests and
# tutela/surveys/tests (where the answer pages, open without login, are tested too).
INDICATOR_READERS = frozenset({"coordinatore", "sds", "dirigente"})
INDICATOR_MANAGERS = frozenset({"dirigente"})
SURVEY_MANAGERS = frozenset({"coordinatore", "dirigente"})
SURVEY_INTERVENTION_USERS = {"coordinatore", "dirigente", "assistente"}  # survey managers, the lead


def _objective_page(
    allowed: frozenset[str], pick: Callable[[Any], Any] = lambda objective: objective
) -> Page:
    """A page about the demo's objective of seed 002 (indicators/demo.py), or one of its phases or indicators."""

    def kwargs(demo: DemoTerritory) -> dict[str, int]:
        from tutela.indicators.demo import objective_demo_load

        return {"pk": pick(objective_demo_load(demo)).pk}

    return Page(allowed, kwargs=kwargs)


def _survey_page(allowed: frozenset[str], pick: Callable[[Any], Any]) -> Page:
    """A page about the demo's questionnaire or its yearly desk survey (surveys/demo.py)."""

    def kwargs(demo: DemoTerritory) -> dict[str, int]:
        from tutela.surveys.demo import survey_demo_load

        return {"pk": pick(survey_demo_load(demo)).pk}

    return Page(allowed, kwargs=kwargs)


MATRIX: dict[str, Page | CaseScoped] = {
    "worklists:home": Page(frozenset(ROLES)),
    "cases:list": Page(CASE_READERS),
    "intake:register_indirect": Page(frozenset({"protocollo"})),
    "intake:record_direct": Page(frozenset({"segretariato", "segretariato.montemurlo"})),
    "protocol:list": Page(frozenset({"protocollo", "coordinatore"})),
    "core:municipality_search": Page(frozenset(ROLES), query="?q=Montem"),
    "cases:detail": CaseScoped("case"),
    "cases:action": CaseScoped("case", slugs=tuple(CASE_ACTIONS)),
    "cases:journal_add": CaseScoped(
        "case", method="post"
    ),  # POST only; an empty form is re-shown, nothing written
    "cases:family_add": CaseScoped("case"),
    "cases:member_add": CaseScoped("case"),
    "services:action": CaseScoped("proposal", slugs=tuple(PROPOSAL_ACTIONS)),
    "delivery:detail": CaseScoped("intervention"),
    "delivery:action": CaseScoped("intervention", slugs=tuple(INTERVENTION_ACTIONS)),
    # Home educational support and controls (services/views_educational.py): the PLANNED home support of "mine";
    # a report and a control on a running one of "mine" (services/tests/educational_setup.py); what the pages
    # show: services/tests/test_educational.py, test_timesheets.py, test_progress_reports.py, test_controls.py.
    "delivery:educational": CaseScoped("intervention"),
    "delivery:educational_action": CaseScoped("intervention", slugs=tuple(EDUCATIONAL_ACTIONS)),
    "delivery:report": CaseScoped("progress_report"),
    "delivery:report_transmit": CaseScoped("progress_report"),
    "delivery:controls": CaseScoped("intervention"),
    "delivery:control_add": CaseScoped("intervention"),
    "delivery:control_action": CaseScoped("control", slugs=CONTROL_ACTIONS),
    "delivery:control_list": Page(frozenset({"sds"})),
    "provider:home": Page(frozenset({"cooperativa"})),
    "documents:download": CaseScoped("attachment"),
    # Teams and meetings (tutela/meetings): case pages through the case; a case meeting and a supervised visit of
    # each World case (meetings/tests/matrix.py); meetings outside a case, observations and autonomy paths:
    # meetings/tests/test_pages.py, test_visits.py, test_network.py.
    "meetings:list": Page(MEETING_VIEWERS),
    "meetings:create": Page(MEETING_MANAGERS),
    "meetings:series_create": Page(MEETING_MANAGERS),
    "meetings:report": Page(MEETING_OVERSEERS),
    "meetings:micro_team_list": Page(MEETING_OVERSEERS),
    "meetings:detail": CaseScoped("meetings.meeting"),
    "meetings:action": CaseScoped("meetings.meeting", slugs=tuple(MEETING_ACTIONS)),
    "meetings:case_meeting_create": CaseScoped("case"),
    "meetings:micro_team": CaseScoped("case"),
    "meetings:micro_team_action": CaseScoped("case", slugs=tuple(MICRO_TEAM_ACTIONS)),
    "meetings:case_visits": CaseScoped("case"),
    "meetings:arrangement": CaseScoped("case"),
    "meetings:visit_book": CaseScoped("case"),
    "meetings:visit_detail": CaseScoped("meetings.visit"),
    "meetings:visit_action": CaseScoped("meetings.visit", slugs=tuple(VISIT_ACTIONS)),
    "meetings:rooms": Page(ROOM_MANAGERS),
    "meetings:room_agenda": Page(VISIT_MANAGERS | ROOM_MANAGERS),
    "meetings:network": Page(NETWORK_VIEWERS),
    "meetings:network_edit": Page(NETWORK_MANAGERS),
    "meetings:partner_add": Page(NETWORK_MANAGERS),
    "meetings:agreement_add": Page(NETWORK_MANAGERS),
    "meetings:path_create": Page(NETWORK_VIEWERS),
    "meetings:path_close": Page(NETWORK_VIEWERS),
    # Court data (tutela/court): a confidential section; objects of the World's cases in care, built by
    # tutela/court/testing.py; tutela/court/tests/test_views.py for what the pages show.
    "court:case": CaseScoped("case"),
    "court:proceeding_add": CaseScoped("case"),
    "court:placement_add": CaseScoped("case"),
    "court:order_add": CaseScoped("court.proceeding"),
    "court:order": CaseScoped("court.order"),
    "court:order_action": CaseScoped("court.order", slugs=tuple(COURT_ORDER_ACTIONS)),
    "court:report": CaseScoped("court.report"),
    "court:report_edit": CaseScoped("court.report"),
    "court:report_file": CaseScoped("court.report"),
    "court:report_disclosable": CaseScoped("court.report"),
    "court:placement": CaseScoped("court.placement"),
    "court:placement_letter": CaseScoped("court.placement"),
    "court:step": CaseScoped("court.step"),
    "court:deadlines": Page(frozenset({"coordinatore"})),
    # Deadlines (ADR 0011): done/undone through the case's access (the World's take-in-charge deadlines are
    # closed by the assignment only: every user in scope is sent back to the case); the user's own pages.
    "deadlines:complete": CaseScoped("deadline", method="post"),
    "deadlines:reopen": CaseScoped("deadline"),
    "deadlines:calendar": Page(CASE_READERS),
    "deadlines:reminders": Page(CASE_READERS),
    "deadlines:feed_settings": Page(CASE_READERS),
    # Login and sessions (ADR 0006): every logged-in user's own second factor, security page and password.
    "accounts:two_factor_verify": Page(frozenset(ROLES)),
    "accounts:two_factor_enrol": Page(frozenset(ROLES)),
    "accounts:security": Page(frozenset(ROLES)),
    "accounts:password_change": Page(frozenset(ROLES)),
    # Re-authentication and break-the-glass (ADR 0007); the scope changes under a grant: test_break_glass.py.
    "accounts:reauth": Page(frozenset(ROLES)),
    "accounts:break_glass": Page(BREAK_GLASS_USERS),
    "accounts:break_glass_confirm": Page(BREAK_GLASS_USERS),  # nothing pending: "no request in progress"
    "accounts:break_glass_reviews": Page(frozenset({"coordinatore", "dpo"})),
    # The DPO's audit log (ADR 0008); filters, exports and their re-authentication: audit/tests/test_log_pages.py.
    "audit:home": Page(frozenset({"dpo"})),
    "audit:file": Page(frozenset({"dpo"}), query="?q=NESSUNO"),
    "audit:event_list": Page(frozenset({"dpo"})),
    "audit:event_export": Page(frozenset({"dpo"}), query="?formato=csv", reauth=True),
    # Catalogue, providers, facilities, foster carers (services/views_catalogue.py); each professional's own
    # declared ties (L. 184/1983 art. 2); costs (services/views_costs.py): services/tests/test_catalogue.py and
    # test_costs.py for what they show.
    "catalogue:home": Page(CATALOGUE_MANAGERS),
    "catalogue:service_types": Page(CATALOGUE_MANAGERS),
    "catalogue:service_type_new": Page(CATALOGUE_MANAGERS),
    "catalogue:service_type_edit": _catalogue_page(lambda s: {"pk": _service_type_pk("FM-A11")}),
    "catalogue:providers": Page(CATALOGUE_MANAGERS),
    "catalogue:provider_new": Page(CATALOGUE_MANAGERS),
    "catalogue:provider": _catalogue_page(lambda s: {"pk": s.providers["community"].pk}),
    "catalogue:provider_edit": _catalogue_page(lambda s: {"pk": s.providers["community"].pk}),
    "catalogue:contract_new": _catalogue_page(lambda s: {"provider": s.providers["provider"].pk}),
    "catalogue:contract_edit": _catalogue_page(lambda s: {"pk": s.contracts["provider"].pk}),
    "catalogue:rate_new": _catalogue_page(lambda s: {"contract": s.contracts["provider"].pk}),
    "catalogue:rate_edit": _catalogue_page(lambda s: {"pk": s.contracts["community"].rates.first().pk}),
    "catalogue:facilities": Page(CATALOGUE_MANAGERS),
    "catalogue:facility_new": Page(CATALOGUE_MANAGERS),
    "catalogue:facility_edit": _catalogue_page(
        lambda s: {"pk": s.facilities["Comunità educativa Il Ponte"].pk}
    ),
    "catalogue:foster_carers": Page(CATALOGUE_MANAGERS),
    "catalogue:foster_carer_new": Page(CATALOGUE_MANAGERS),
    "catalogue:foster_carer": _catalogue_page(lambda s: {"pk": s.foster_carers["Famiglia Conti"].pk}),
    "catalogue:foster_carer_edit": _catalogue_page(lambda s: {"pk": s.foster_carers["Famiglia Conti"].pk}),
    "catalogue:foster_carer_person_remove": _catalogue_page(
        lambda s: {
            "pk": s.foster_carers["Famiglia Conti"].pk,
            "person": s.foster_carers["Famiglia Conti"].persons.order_by("pk").first().pk,
        }
    ),
    "catalogue:declarations": Page(CATALOGUE_MANAGERS),
    "catalogue:my_declarations": Page(CASE_READERS),
    "costs:report": Page(COST_READERS),
    "costs:export": Page(COST_READERS),
    "indicators:dashboard": Page(INDICATOR_READERS),
    "indicators:drilldown": Page(CASE_READERS, query="?indicatore=new_cases&serie=nuove"),
    "indicators:export": Page(INDICATOR_READERS),
    "indicators:staff": Page(INDICATOR_MANAGERS),
    "indicators:objective_list": Page(INDICATOR_READERS),
    "indicators:objective_new": Page(INDICATOR_MANAGERS),
    "indicators:objective_detail": _objective_page(INDICATOR_READERS),
    "indicators:objective_edit": _objective_page(INDICATOR_MANAGERS),
    "indicators:objective_approve": _objective_page(INDICATOR_MANAGERS),
    "indicators:phase_add": _objective_page(INDICATOR_MANAGERS),
    "indicators:indicator_add": _objective_page(INDICATOR_MANAGERS),
    "indicators:phase_edit": _objective_page(INDICATOR_MANAGERS, lambda o: o.phases.order_by("pk").first()),
    "indicators:indicator_actual": _objective_page(
        INDICATOR_MANAGERS, lambda o: o.indicators.get(value_type="date")
    ),
    "surveys:home": Page(SURVEY_MANAGERS | {"assistente", "assistente2"}),
    "surveys:questionnaire_new": Page(SURVEY_MANAGERS),
    "surveys:questionnaire": _survey_page(SURVEY_MANAGERS, lambda s: s.questionnaire),
    "surveys:questionnaire_toggle": _survey_page(SURVEY_MANAGERS, lambda s: s.questionnaire),
    "surveys:desk_administration_new": _survey_page(SURVEY_MANAGERS, lambda s: s.questionnaire),
    "surveys:results": _survey_page(INDICATOR_READERS, lambda s: s.questionnaire),
    "surveys:administration": _survey_page(SURVEY_MANAGERS, lambda s: s.desk_administration),
    "surveys:intervention": CaseScoped("intervention"),
    # Returns to the State (seed 003); every role on batches in and out of scope: returns/tests/test_access.py.
    "returns:home": Page(RETURN_READERS),
    "returns:start": Page(RETURN_EXPORTERS, query="?tipo=sinba"),
    "returns:batch_detail": Page(RETURN_READERS, kwargs=batch_kwargs()),
    "returns:batch_status": Page(RETURN_READERS, kwargs=batch_kwargs()),
    "returns:batch_download": Page(RETURN_EXPORTERS, reauth=True, kwargs=batch_kwargs()),
    "returns:batch_verify": Page(RETURN_EXPORTERS, kwargs=batch_kwargs()),
    "returns:batch_mark_sent": Page(RETURN_EXPORTERS, kwargs=batch_kwargs(verified=True)),
    # The lead social worker's SINBA data form; the others in scope are sent back to the case.
    "returns:sinba_data": CaseScoped("case"),
}
# The pages of the login itself, open to anonymous visitors: the single sign-on start and return.
LOGIN_PAGES = {"login", "logout", "accounts:oidc_start", "accounts:oidc_callback"}
# The satisfaction surveys' answer pages, open to anonymous visitors like the login: tutela/surveys/tests.
LOGIN_PAGES |= {"surveys_public:code", "surveys_public:answer"}
# Authenticated by the secret in its address, without a session: tutela/deadlines/tests/test_feed.py.
TOKEN_PAGES = {"deadlines:feed"}

# role: (cases in scope, cases out of scope), keys of conftest.World.cases
SCOPE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # queue: nothing; the Protocol Office routes reports and never opens a case
    "protocollo": ((), ("mine", "indirect", "direct")),
    # queue: REFERRED requests recorded by its own desk, until assigned
    "segretariato": (("direct",), ("assigned", "direct_mm", "indirect", "mine")),
    "segretariato.montemurlo": (("direct_mm",), ("direct", "other")),
    # territory
    "coordinatore": (("mine", "indirect", "closing", "closed"), ("foreign",)),
    "amministrativo": (("mine",), ("foreign",)),
    "sds": (("mine", "direct"), ("foreign",)),
    "dirigente": (("mine",), ("foreign",)),
    # assigned: led by them, or in the case team (CaseMember)
    "assistente": (("mine", "closing"), ("other", "assigned", "indirect")),
    "assistente2": (("other", "assigned"), ("mine", "foreign")),
    "educatore": (("mine",), ("other",)),
    "psicologa": (("mine",), ("other",)),
    # provider: cases with an intervention delivered by its organisation
    "cooperativa": (("mine",), ("other",)),
    # residence: children resident in Montemurlo
    "comune": (("other", "direct_mm"), ("mine", "direct")),
    # no case at all
    "dpo": ((), ("mine",)),
    "admin": ((), ("mine",)),
    OUTSIDER: ((), ("mine",)),
}

LEADS = {
    ("assistente", "mine"),
    ("assistente", "closing"),
    ("assistente2", "other"),
    ("assistente2", "assigned"),
}
# Case actions that open their form (200); every other action in scope redirects to the case (302).
CASE_ACTIONS_OPEN = {
    ("assistente", "mine"): {"relazione-sociale", "proponi-chiusura"},
    ("assistente2", "other"): {"relazione-sociale", "proponi-chiusura"},
    ("assistente2", "assigned"): {"relazione-sociale", "chiudi-senza-presupposti"},
    ("coordinatore", "indirect"): {"assegna"},
    ("coordinatore", "closing"): {"conferma-chiusura", "respingi-chiusura"},
    ("coordinatore", "closed"): {"riapri"},
    ("segretariato", "direct"): {"assegna"},
    ("segretariato.montemurlo", "direct_mm"): {"assegna"},
}
# Proposal actions that open their form on the DRAFT proposals of "mine" and "other".
PROPOSAL_ACTIONS_OPEN = {
    ("assistente", "mine"): {"invia", "modifica"},
    ("assistente2", "other"): {"invia", "modifica"},
}
# Intervention acts that open their form on the PLANNED home support of "mine" (paid by the lead Comune, so
# no Comune's acknowledgement); every other act in scope redirects to the intervention page.
INTERVENTION_ACTIONS_OPEN = {("assistente", "mine"): {"avvia"}}
JOURNAL_WRITERS = {"coordinatore", "assistente", "assistente2", "educatore", "psicologa"}
CONFIDENTIAL_READERS = {"coordinatore", "assistente", "assistente2", "psicologa"}
# Court pages: the readers of confidential sections read them; court.write (lead or coordinator) writes.
COURT_WRITERS = {"coordinatore", "assistente", "assistente2"}
# Home support on "mine": the PEI's lead writes it, the cooperative assigns; reports reach the confidential
# readers and the cooperative (not the educator, who is not assigned to the running intervention); controls the
# managing body too.
EDUCATIONAL_ACTIONS_OPEN = {("assistente", "mine"): {"pei"}, ("cooperativa", "mine"): {"assegna-educatore"}}
REPORT_READERS = CONFIDENTIAL_READERS | {"cooperativa"}
CONTROL_READERS = CONFIDENTIAL_READERS | {"cooperativa", "sds"}
CONTROL_ACTIONS_OPEN = {"cooperativa": {"rispondi"}, "sds": {"chiudi"}}
COURT_READ_PAGES = {
    "court:case",
    "court:order",
    "court:report",
    "court:report_disclosable",
    "court:placement",
    "court:placement_letter",
}
# What a GET answered with 200 must leave in the audit log, with the case id (DESIGN.md section 5).
AUDITED_READS = {
    **dict.fromkeys(
        [
            "cases:detail",
            "cases:action",
            "cases:family_add",
            "cases:member_add",
            "services:action",
            "delivery:detail",
            "delivery:action",
            "delivery:educational",
            "delivery:educational_action",
            "delivery:report_transmit",
            "delivery:controls",
            "delivery:control_add",
            "delivery:control_action",
        ],
        "cases.case.viewed",
    ),
    "documents:download": "documents.attachment.downloaded",
    **MEETINGS_AUDITED_READS,
    "surveys:intervention": "cases.case.viewed",
    **dict.fromkeys(
        ["court:case", "court:proceeding_add", "court:placement_add", "court:order_add"], "court.case.viewed"
    ),
    **dict.fromkeys(["court:order", "court:order_action"], "court.order.viewed"),
    **dict.fromkeys(
        ["court:report", "court:report_edit", "court:report_file", "court:report_disclosable"],
        "court.report.viewed",
    ),
    **dict.fromkeys(["court:placement", "court:placement_letter", "court:step"], "court.placement.viewed"),
    "delivery:report": "services.progress_report.viewed",
    "returns:sinba_data": "cases.case.viewed",
}


# --- the URLs of the project --------------------------------------------------------------------------------


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            full = f"{namespace}:{name}" if namespace else name
            if full in LOGIN_PAGES | TOKEN_PAGES or str(entry.pattern).startswith(
                settings.STATIC_URL.lstrip("/")
            ):
                continue
            yield full


def project_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_url_has_a_row_in_the_matrix() -> None:
    names = project_url_names()
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URL patterns without a row in the access MATRIX: {missing}"
    assert not stale, f"MATRIX rows for URL patterns that no longer exist: {stale}"


# --- helpers -------------------------------------------------------------------------------------------------


def _users(demo: DemoTerritory, outsider: User) -> dict[str, User]:
    return {name: outsider if name == OUTSIDER else demo.users[name] for name in ROLES}


def _targets(world: World, row: CaseScoped, key: str) -> list[tuple[str, int, bool]]:
    """(label, pk, confidential) of what a case-scoped URL names for case `key`; empty when it has none."""
    if row.target == "case":
        return [(key, world.cases[key].pk, False)]
    if row.target == "proposal":
        proposal = world.proposals.get(key)
        return [(f"{key} proposal", proposal.pk, False)] if proposal else []
    if row.target == "intervention":
        intervention = world.interventions.get(key)
        return [(f"{key} intervention", intervention.pk, False)] if intervention else []
    if row.target == "deadline":
        deadline = Deadline.objects.filter(case=world.cases[key]).order_by("pk").first()
        return [(f"{key} deadline", deadline.pk, False)] if deadline else []
    if row.target in {"progress_report", "control"}:
        return educational_matrix_targets(world, row.target, key)
    if row.target.startswith("court."):
        return court_matrix_targets(world, row.target, key)
    if row.target.startswith("meetings."):
        return meetings_matrix_targets(world, row.target, key)
    return [
        (f"{key} document", world.attachments[key].pk, False),
        (f"{key} confidential document", world.attachments[f"{key}.confidential"].pk, True),
    ]


def _urls(name: str, row: CaseScoped, pk: int) -> list[tuple[str, str]]:
    if row.slugs:
        return [(slug, reverse(name, kwargs={"pk": pk, "action": slug})) for slug in row.slugs]
    return [("", reverse(name, kwargs={"pk": pk}))]


def _expected_in_scope(user: str, key: str, name: str, slug: str, confidential: bool, is_open: bool) -> int:
    if name == "cases:detail":
        return 200
    if name == "cases:action":
        return 200 if slug in CASE_ACTIONS_OPEN.get((user, key), set()) else 302
    if name == "services:action":
        return 200 if slug in PROPOSAL_ACTIONS_OPEN.get((user, key), set()) else 302
    if name == "delivery:detail":
        return 200
    if name == "delivery:action":
        return 200 if slug in INTERVENTION_ACTIONS_OPEN.get((user, key), set()) else 302
    if name in {"deadlines:complete", "deadlines:reopen"}:
        return 302
    if name.startswith("delivery:") and name not in {"delivery:detail", "delivery:action"}:
        return _educational_expected(user, key, name, slug)
    if name.startswith("court:"):
        return _court_expected(user, key, name, is_open)
    if name.startswith("meetings:"):
        return meetings_expected(user, key, name, slug, is_open, LEADS)
    if name == "cases:journal_add":  # journal.write is checked with the scope: without it, 404
        return 200 if user in JOURNAL_WRITERS else 404
    if name == "cases:family_add":  # family.edit with the scope; then only the lead, on an open case
        if user not in {"assistente", "assistente2"}:
            return 404
        return 200 if (user, key) in LEADS and is_open else 302
    if name == "cases:member_add":
        return 200 if ((user, key) in LEADS or user == "coordinatore") and is_open else 302
    if name == "documents:download":
        return 200 if not confidential or user in CONFIDENTIAL_READERS else 404
    if name == "surveys:intervention":  # the lead social worker and who manages the surveys
        return 200 if user in SURVEY_INTERVENTION_USERS else 404
    if name == "returns:sinba_data":
        return 200 if (user, key) in LEADS else 302
    raise AssertionError(f"no expectation for {name}")


def _educational_expected(user: str, key: str, name: str, slug: str) -> int:
    """Everyone in scope opens the educational page; the acts open their form for who may do them now, the
    others go back (302); reports and controls are hidden (404) from who may not read them."""
    if name == "delivery:educational":
        return 200
    if name == "delivery:educational_action":
        return 200 if slug in EDUCATIONAL_ACTIONS_OPEN.get((user, key), set()) else 302
    if name in {"delivery:report", "delivery:report_transmit"}:
        if user not in REPORT_READERS:
            return 404
        return 200 if name == "delivery:report" or (user, key) in LEADS else 302
    if user not in CONTROL_READERS:
        return 404
    if name == "delivery:controls":
        return 200
    if name == "delivery:control_action":
        return 200 if slug in CONTROL_ACTIONS_OPEN.get(user, set()) else 302
    return 302  # control_add: the home support of "mine" has not started yet


def _court_expected(user: str, key: str, name: str, is_open: bool) -> int:
    """Court data is hidden (404) without view_confidential; writing needs court.write (404 without it), then
    the lead or the coordinator on an open case (otherwise back to the case)."""
    if user not in CONFIDENTIAL_READERS:
        return 404
    if name in COURT_READ_PAGES:
        return 200
    if user not in COURT_WRITERS:
        return 404
    return 200 if (user == "coordinatore" or (user, key) in LEADS) and is_open else 302


def _request(client: Client, method: str, url: str) -> Any:
    return client.post(url, {}) if method == "post" else client.get(url)


def _last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- case-scoped URLs ----------------------------------------------------------------------------------------

# The roles in three groups, so that pytest-xdist can spread the matrix; each group builds its cases once.
GROUPS = {
    "queue-and-none": ("protocollo", "segretariato", "segretariato.montemurlo", "dpo", "admin", OUTSIDER),
    "territory": ("coordinatore", "amministrativo", "sds", "dirigente"),
    "assigned-and-residence": (
        "assistente",
        "assistente2",
        "educatore",
        "cooperativa",
        "psicologa",
        "comune",
    ),
}


def test_the_groups_cover_every_role_once() -> None:
    grouped = [role for roles in GROUPS.values() for role in roles]
    assert sorted(grouped) == sorted(ROLES) == sorted(SCOPE)


@dataclass(frozen=True)
class Probe:
    """One request of the matrix and the answer it must get."""

    username: str
    key: str | None  # the World case, None for a missing object
    name: str
    row: CaseScoped
    label: str
    slug: str
    url: str
    expected: int

    @property
    def where(self) -> str:
        slug = f" {self.slug}" if self.slug else ""
        return f"{self.username} {self.row.method.upper()} {self.name}{slug} on {self.label} ({self.url})"


def _probes(world: World, username: str) -> Iterator[Probe]:
    in_scope, out_of_scope = SCOPE[username]
    for key in (*in_scope, *out_of_scope, None):
        for name, row in MATRIX.items():
            if not isinstance(row, CaseScoped):
                continue
            targets = _targets(world, row, key) if key else [("missing", MISSING, False)]
            for label, pk, confidential in targets:
                for slug, url in _urls(name, row, pk):
                    expected = 404
                    if key in in_scope:
                        is_open = world.cases[key].state != CaseState.CLOSED
                        expected = _expected_in_scope(username, key, name, slug, confidential, is_open)
                    yield Probe(username, key, name, row, label, slug, url, expected)


def _check(client: Client, world: World, user: User, probe: Probe, not_found: dict[str, bytes]) -> list[str]:
    """The answer, and the audit rows it left: none for a 404, a read for every page of case data."""
    before = _last_audit_id()
    response = _request(client, probe.row.method, probe.url)
    if response.status_code != probe.expected:
        return [f"{probe.where}: {response.status_code}, expected {probe.expected}"]
    events = list(AuditEvent.objects.filter(id__gt=before))
    case_pk = world.cases[probe.key].pk if probe.key else None
    problems = []
    if probe.expected == 404:
        if response.content != not_found[probe.name]:
            problems.append(f"{probe.where}: its 404 differs from a missing object's")
        if events:
            problems.append(f"{probe.where}: a 404 wrote audit rows {[e.action for e in events]}")
    elif probe.expected == 302:
        if response["Location"] != _refused_to(probe, case_pk):
            problems.append(
                f"{probe.where}: redirected to {response['Location']}, not to {_refused_to(probe, case_pk)}"
            )
    elif probe.row.method == "get" and probe.name in AUDITED_READS:
        action = AUDITED_READS[probe.name]
        if not any(e.action == action and e.case_id == case_pk and e.actor_id == user.pk for e in events):
            problems.append(f"{probe.where}: no {action} audit row with the case id")
    if probe.expected == 200 and probe.name == "cases:detail":
        problems += _confidential_check(probe, response.content.decode())
    return problems


def _refused_to(probe: Probe, case_pk: int | None) -> str:
    """Where an act the user may not do now sends them back: the intervention's page, else the case's."""
    educational = educational_refused_to(probe.name, int(resolve(probe.url).kwargs["pk"]))
    if educational is not None:
        return educational
    if probe.row.target == "intervention":
        return reverse("delivery:detail", kwargs={"pk": probe.url.split("/")[2]})
    return reverse("cases:detail", kwargs={"pk": case_pk})


@pytest.mark.parametrize("group", GROUPS)
def test_case_urls_answer_by_scope_and_audit_every_read(
    client: Client, demo: DemoTerritory, outsider: User, world: World, group: str
) -> None:
    users = _users(demo, outsider)
    login(client, users["coordinatore"])
    not_found = {
        name: _request(client, row.method, _urls(name, row, MISSING)[0][1]).content
        for name, row in MATRIX.items()
        if isinstance(row, CaseScoped)
    }
    failures: list[str] = []
    checked = 0
    for username in GROUPS[group]:
        login(client, users[username])
        for probe in _probes(world, username):
            failures += _check(client, world, users[username], probe, not_found)
            checked += 1
    assert not failures, f"{len(failures)} of {checked} answers are wrong:\n" + "\n".join(failures)


def _confidential_check(probe: Probe, page: str) -> list[str]:
    """Confidential journal entries and documents appear only to those with view_confidential."""
    if probe.key not in {"mine", "other"}:
        return []
    problems = []
    if PUBLIC not in page:
        problems.append(f"{probe.where}: the ordinary journal entry is missing")
    shown = SECRET in page or "Relazione NPI" in page
    if shown != (probe.username in CONFIDENTIAL_READERS):
        problems.append(f"{probe.where}: confidential sections {'shown' if shown else 'hidden'}")
    return problems


def test_a_request_answers_404_once_assigned(client: Client, demo: DemoTerritory, world: World) -> None:
    """The front office's queue ends with the assignment: the same request, before and after."""
    from tutela.cases.services.assignment import case_assign

    case = world.cases["direct"]
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    login(client, demo.users["segretariato"])
    assert client.get(url).status_code == 200
    case_assign(case=case, actor=demo.users["segretariato"], social_worker=demo.users["assistente"])
    assert client.get(url).status_code == 404
    login(client, demo.users["assistente"])
    assert client.get(url).status_code == 200


# --- pages outside a case ------------------------------------------------------------------------------------


def test_pages_answer_by_capability(
    client: Client, demo: DemoTerritory, outsider: User, world: World
) -> None:
    users = _users(demo, outsider)
    failures: list[str] = []
    for username in ROLES:
        login(client, users[username])
        for name, row in MATRIX.items():
            if not isinstance(row, Page):
                continue
            response = client.get(reverse(name, kwargs=row.kwargs(demo) if row.kwargs else None) + row.query)
            expected = (302 if row.reauth else 200) if username in row.allowed else 404
            if response.status_code != expected:
                failures.append(f"{username} GET {name}: {response.status_code}, expected {expected}")
            elif expected == 302 and not response["Location"].startswith(reverse("accounts:reauth")):
                failures.append(f"{username} GET {name}: redirected to {response['Location']}, not to reauth")
            elif name == "core:municipality_search" and b"Montemurlo (PO)" not in response.content:
                failures.append(f"{username} GET {name}: no Comune among the options")
            elif name == "cases:list" and expected == 200:
                failures.extend(_list_check(username, world, response.content.decode()))
    assert not failures, "\n".join(failures)


def _list_check(username: str, world: World, page: str) -> list[str]:
    """The case list shows the cases in scope and none of those out of scope."""
    in_scope, out_of_scope = SCOPE[username]
    return [
        f"{username} cases:list: {key} {'missing' if key in in_scope else 'shown'}"
        for key in (*in_scope, *out_of_scope)
        if (world.cases[key].code in page) != (key in in_scope)
    ]


def test_anonymous_is_sent_to_login_from_every_url(client: Client, demo: DemoTerritory, world: World) -> None:
    login_url = reverse("login")
    failures = []
    for name, row in MATRIX.items():
        if isinstance(row, Page):
            url = reverse(name, kwargs=row.kwargs(demo) if row.kwargs else None)
        else:
            _label, pk, _confidential = _targets(world, row, "mine")[0]
            url = _urls(name, row, pk)[0][1]
        for method in ("get", "post"):
            response = _request(client, method, url)
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(f"{login_url}?next="):
                failures.append(f"anonymous {method.upper()} {url}: {response.status_code} {location}")
    assert not failures, "\n".join(failures)
    assert not AuditEvent.objects.filter(actor__isnull=True, action="cases.case.viewed").exists()
