"""Every state change is a POST behind Django's CSRF check; a forged request changes nothing (ADR 0010).

Three sweeps:
  - every URL pattern of the project (the admin's included), POST/PUT/DELETE without a token: 403;
  - every action of the app, as the role that may do it, on a real case in its scope, with complete valid data:
    GET (the data in the query string) writes nothing; the same POST without a token (the browser holding the
    CSRF cookie, as a victim's would) answers 403 and writes nothing; for a sample (assign, approve, authorise,
    journal, login, logout) the same POST with the token does the act, which shows the forgery was armed;
  - every other page GET writes nothing.
"Nothing" is every row of every table (counts, and the contents of the tables under 3,000 rows). The audit log
and the sessions are left out of the GET sweeps only: reading case data is audited by design (DESIGN.md s. 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from tutela.accounts.models import User
from tutela.cases.models import Case, CaseState, JournalEntry
from tutela.cases.views import CASE_ACTIONS
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.cases import SOURCES
from tutela.core.demo.territory import DemoTerritory
from tutela.documents.services import attachment_store
from tutela.reference.models import Code, CodeList
from tutela.services.models import ProposalState, ServiceProposal, ServiceType
from tutela.services.services import REVIEW_CHECKS
from tutela.services.views import ACTIONS as PROPOSAL_ACTIONS
from tutela.testing import factories
from tutela.testing.documents import pdf_bytes

PDF = pdf_bytes()  # a real one: documents are checked by their structure (ADR 0016)
SMALL_TABLE = 3000
# The URLs of the app's acts (the table of `acts`); every other URL is swept generically.
ACTION_URLS = {
    "intake:register_indirect",
    "intake:record_direct",
    "cases:action",
    "cases:journal_add",
    "cases:family_add",
    "cases:member_add",
    "services:action",
}
# GETs that write by design, each with its reason; nothing else may.
GET_WRITES_ALLOWED = {
    # Opening the authenticator set-up page prepares the user's unconfirmed TOTP device (shown as a QR code);
    # it is reused on the next visit and does nothing until confirmed by a POST with a code.
    "accounts:two_factor_enrol": {"otp_totp.totpdevice"},
}


# --- what "nothing changed" means ----------------------------------------------------------------------------


def snapshot(*, skip_reads: bool) -> dict[str, Any]:
    """Every table: its row count, and its rows for the small ones (proxies and unmanaged models aside)."""
    state: dict[str, Any] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if skip_reads and (meta.app_label == "audit" or model is Session):
            continue
        rows = model._base_manager.all()
        count = rows.count()
        if count <= SMALL_TABLE:
            state[meta.label_lower] = (count, repr(list(rows.order_by("pk").values_list())))
        else:
            state[meta.label_lower] = (count, rows.aggregate(Max("pk"))["pk__max"])
    return state


def changes(before: dict[str, Any], after: dict[str, Any], allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    return sorted(
        f"{label}: {before.get(label, (0,))[0]} -> {after.get(label, (0,))[0]} rows"
        + ("" if before.get(label, (0,))[0] != after.get(label, (0,))[0] else " (rows modified)")
        for label in set(before) | set(after)
        if before.get(label) != after.get(label) and label not in allowed
    )


# --- every URL pattern ---------------------------------------------------------------------------------------


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _slugs(name: str) -> tuple[str, ...]:
    if name == "cases:action":
        return tuple(CASE_ACTIONS)
    if name == "services:action":
        return tuple(PROPOSAL_ACTIONS)
    return ("x",)


def project_urls() -> Iterator[tuple[str, str]]:
    """(name, URL) of every named pattern, its arguments filled in (every slug of the action URLs)."""
    for name, pattern in _walk(get_resolver().url_patterns):
        converters = getattr(pattern.pattern, "converters", {})
        groups = list(getattr(pattern.pattern.regex, "groupindex", {}))
        names = list(converters) or groups
        if not names:
            yield name, reverse(name)
            continue
        for slug in _slugs(name):
            kwargs: dict[str, Any] = {}
            for arg in names:
                if isinstance(converters.get(arg), IntConverter) or arg == "object_id":
                    kwargs[arg] = 1
                elif arg == "app_label":
                    kwargs[arg] = "accounts"
                else:
                    kwargs[arg] = slug
            try:
                yield name, reverse(name, kwargs=kwargs)
            except Exception:  # an admin pattern whose arguments this guess does not fit
                continue


def test_every_url_refuses_a_state_changing_request_without_a_token(demo: DemoTerritory) -> None:
    """Whatever the URL, the role or the object: no CSRF token, no change (the admin's URLs included)."""
    urls = sorted(set(project_urls()))
    assert len(urls) > 60
    failures: list[str] = []
    for username, methods in (("coordinatore", ("post", "put", "delete")), ("admin", ("post",))):
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo.users[username])
        client.get(reverse("worklists:home"))  # the browser now holds the CSRF cookie
        before = snapshot(skip_reads=False)
        for name, url in urls:
            for method in methods:
                response = getattr(client, method)(url, {"note": "forged"})
                if response.status_code != 403 or b"CSRF" not in response.content:
                    failures.append(f"{username} {method.upper()} {url} ({name}): {response.status_code}")
        failures += changes(before, snapshot(skip_reads=False))
    assert not failures, "\n".join(failures)


# --- every action of the app, armed ------------------------------------------------------------------------


@dataclass
class Act:
    """One state-changing request, complete and valid for `user` on a real object in their scope."""

    user: str
    url: str
    data: dict[str, Any]
    page: str = ""  # where the victim's browser got its CSRF cookie (the form itself when empty)
    done: Callable[[], bool] | None = None  # for the sample: did the act with the token happen?


@dataclass
class World:
    demo: DemoTerritory
    objects: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self.objects:
            self.objects[key] = build()
        return self.objects[key]

    def pk(self, username: str) -> int:
        return self.demo.users[username].pk


def _code(code_list: str, code: str) -> int:
    return Code.objects.get(code_list=code_list, code=code).pk


def _proposal(world: World, outcome: str) -> ServiceProposal:
    return world.get(f"proposal {outcome}", lambda: factories.proposal_in(world.demo, outcome))


def _referral_data(world: World) -> dict[str, Any]:
    return {
        "source": _code(CodeList.REFERRAL_SOURCE, "8"),
        "received_on": timezone.localdate().isoformat(),
        "subject": "Richiesta di sostegno",
        "narrative": "Sintesi.",
        "urgency": "ordinary",
        "surname": "Forgiato",
        "given_name": "Mario",
        "birth_date": (timezone.localdate() - dt.timedelta(days=3000)).isoformat(),
        "residence_municipality": "Prato (PO)",
    }


def acts(world: World) -> dict[str, Act]:
    """Every state-changing request of the app, keyed by URL name (and action slug)."""
    today = timezone.localdate().isoformat()
    referred = world.get("referred", lambda: factories.referred_case(world.demo))
    assessment = world.get("assessment", lambda: factories.assessment_case(world.demo))
    in_care = world.get("in care", lambda: factories.in_care_case(world.demo))
    closing = world.get("closing", lambda: factories.closing_case(world.demo))
    closed = world.get("closed", lambda: factories.closed_case(world.demo))
    draft, submitted = _proposal(world, "draft"), _proposal(world, "submitted")
    approved, review, authorised = (
        _proposal(world, "approved"),
        _proposal(world, "review"),
        _proposal(world, "authorised"),
    )

    def case_action(case: Case, slug: str, user: str, data: dict[str, Any], **kw: Any) -> Act:
        return Act(user, reverse("cases:action", kwargs={"pk": case.pk, "action": slug}), data, **kw)

    def proposal_action(p: ServiceProposal, slug: str, user: str, data: dict[str, Any], **kw: Any) -> Act:
        return Act(user, reverse("services:action", kwargs={"pk": p.pk, "action": slug}), data, **kw)

    def state_of(obj: Any, state: str) -> Callable[[], bool]:
        return lambda: type(obj).objects.get(pk=obj.pk).state == state

    assessment_fields = {
        "summary": "Sintesi.",
        "child_problem": _code(CodeList.CHILD_PROBLEM, "2"),
        "family_problem": _code(CodeList.FAMILY_PROBLEM, "2"),
    }
    journal_count = JournalEntry.objects.filter(case=in_care).count()
    return {
        "intake:register_indirect": Act(
            "protocollo",
            reverse("intake:register_indirect"),
            {
                **_referral_data(world),
                "source": _code(CodeList.REFERRAL_SOURCE, SOURCES["school"]),
                "sender_organisation": world.demo.organisations["school"].pk,
                "sender_reference": "prot. 1 del 01/01/2026",
            },
        ),
        "intake:record_direct": Act(
            "segretariato",
            reverse("intake:record_direct"),
            {**_referral_data(world), "applicant_name": "Anna Forgiato", "applicant_relationship": "madre"},
        ),
        "cases:action assegna": case_action(
            referred,
            "assegna",
            "coordinatore",
            {"social_worker": world.pk("assistente"), "note": "Assegnazione."},
            done=state_of(referred, CaseState.ASSESSMENT),
        ),
        "cases:action chiudi-senza-presupposti": case_action(
            assessment, "chiudi-senza-presupposti", "assistente", assessment_fields
        ),
        "cases:action relazione-sociale": case_action(
            assessment,
            "relazione-sociale",
            "assistente",
            {**assessment_fields, "kind": "professional", "facts": "Fatti.", "evaluations": "Valutazioni."},
        ),
        "cases:action proponi-chiusura": case_action(
            in_care,
            "proponi-chiusura",
            "assistente",
            {"reason": _code(CodeList.CLOSURE_REASON, "4"), "note": "Obiettivi raggiunti."},
        ),
        "cases:action conferma-chiusura": case_action(
            closing, "conferma-chiusura", "coordinatore", {"note": ""}
        ),
        "cases:action respingi-chiusura": case_action(
            closing, "respingi-chiusura", "coordinatore", {"note": "Non ancora."}
        ),
        "cases:action riapri": case_action(closed, "riapri", "coordinatore", {"note": "Nuovi fatti."}),
        "cases:journal_add": Act(
            "assistente",
            reverse("cases:journal_add", kwargs={"pk": in_care.pk}),
            {"kind": "note", "occurred_on": today, "text": "Annotazione."},
            page=reverse("cases:detail", kwargs={"pk": in_care.pk}),
            done=lambda: JournalEntry.objects.filter(case=in_care).count() == journal_count + 1,
        ),
        "cases:family_add": Act(
            "assistente",
            reverse("cases:family_add", kwargs={"pk": in_care.pk}),
            {"kind": "father", "surname": "Forgiato", "given_name": "Paolo", "cohabiting": "on"},
        ),
        "cases:member_add": Act(
            "assistente",
            reverse("cases:member_add", kwargs={"pk": in_care.pk}),
            {"user": world.pk("educatore"), "role_label": "Educatore ADM"},
        ),
        "services:action invia": proposal_action(draft, "invia", "assistente", {"note": ""}),
        "services:action modifica": proposal_action(
            draft,
            "modifica",
            "assistente",
            {"service_type": ServiceType.objects.get(code="FM-A11").pk, "motivation": "Motivazione nuova."},
        ),
        "services:action approva": proposal_action(
            submitted,
            "approva",
            "coordinatore",
            {"note": ""},
            done=state_of(submitted, ProposalState.APPROVED),
        ),
        "services:action restituisci": proposal_action(
            submitted, "restituisci", "coordinatore", {"reason": "No."}
        ),
        "services:action respingi": proposal_action(submitted, "respingi", "coordinatore", {"reason": "No."}),
        "services:action avvia-istruttoria": proposal_action(
            approved, "avvia-istruttoria", "amministrativo", {"note": ""}
        ),
        "services:action autorizza": proposal_action(
            review,
            "autorizza",
            "amministrativo",
            {
                "act_number": "123/2026",
                "act_date": today,
                "cost_estimate": "1000.00",
                "paying_municipality": "Prato (PO)",
                "commitment_number": "IMP-2026-7",
                **dict.fromkeys(REVIEW_CHECKS, "on"),
            },
            done=state_of(review, ProposalState.AUTHORISED),
        ),
        "services:action nega": proposal_action(
            review, "nega", "amministrativo", {"reason": "Fondi esauriti."}
        ),
        "services:action prendi-atto": proposal_action(authorised, "prendi-atto", "assistente", {"note": ""}),
    }


def pages(world: World) -> dict[str, Act]:
    """The read-only pages of the app, with a real object in scope."""
    in_care = world.get("in care", lambda: factories.in_care_case(world.demo))
    document = world.get(
        "document",
        lambda: attachment_store(
            content=PDF, original_name="verbale.pdf", actor=world.demo.users["assistente"], case=in_care
        ),
    )
    return {
        "worklists:home": Act("coordinatore", reverse("worklists:home"), {}),
        "cases:list": Act("coordinatore", reverse("cases:list"), {"q": "Rossi", "stato": "IN_CARE"}),
        "cases:detail": Act("assistente", reverse("cases:detail", kwargs={"pk": in_care.pk}), {}),
        "protocol:list": Act("protocollo", reverse("protocol:list"), {}),
        "core:municipality_search": Act("assistente", reverse("core:municipality_search"), {"q": "Prat"}),
        "documents:download": Act(
            "assistente", reverse("documents:download", kwargs={"pk": document.pk}), {}
        ),
    }


def test_every_action_is_csrf_protected_and_get_changes_nothing(demo: DemoTerritory) -> None:
    world = World(demo)
    table = acts(world)
    assert {name.split(" ")[0] for name in table} == ACTION_URLS
    assert {f"cases:action {s}" for s in CASE_ACTIONS} <= set(table)
    assert {f"services:action {s}" for s in PROPOSAL_ACTIONS} <= set(table)
    failures: list[str] = []
    for name, act in table.items():
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo.users[act.user])

        # GET, even with the whole form in the query string, writes nothing.
        before = snapshot(skip_reads=True)
        got = client.get(act.url, act.data)
        if got.status_code not in {200, 405}:
            failures.append(f"{name}: GET answered {got.status_code}, expected the form (200) or 405")
        failures += [f"{name}: GET changed {c}" for c in changes(before, snapshot(skip_reads=True))]

        # The victim's browser has the CSRF cookie; the forged POST has no token, or a made-up one.
        client.get(act.page or act.url)
        assert settings.CSRF_COOKIE_NAME in client.cookies, name
        before = snapshot(skip_reads=False)
        for forged in ({}, {"csrfmiddlewaretoken": "x" * 64}):
            response = client.post(act.url, {**act.data, **forged})
            if response.status_code != 403:
                failures.append(f"{name}: a forged POST answered {response.status_code}")
        failures += [
            f"{name}: a forged POST changed {c}" for c in changes(before, snapshot(skip_reads=False))
        ]
    assert not failures, "\n".join(failures)


def _token(client: Client) -> str:
    return client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize(
    "name",
    [
        "cases:action assegna",
        "services:action approva",
        "services:action autorizza",
        "cases:journal_add",
    ],
)
def test_the_same_request_with_its_token_does_the_act(demo: DemoTerritory, name: str) -> None:
    """The forged requests above were armed: with the token, the very same data does the act."""
    act = acts(World(demo))[name]
    assert act.done is not None
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.users[act.user])
    client.get(act.page or act.url)

    forged = client.post(act.url, act.data)
    assert forged.status_code == 403
    assert not act.done()

    genuine = client.post(act.url, {**act.data, "csrfmiddlewaretoken": _token(client)})
    assert genuine.status_code == 302, genuine.content.decode()[:1000]
    assert act.done()


def test_a_request_from_another_origin_is_refused_even_with_a_token(demo: DemoTerritory) -> None:
    case = factories.in_care_case(demo)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.users["assistente"])
    client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
    data = {"kind": "note", "occurred_on": timezone.localdate().isoformat(), "text": "Da un altro sito."}
    before = JournalEntry.objects.filter(case=case).count()

    response = client.post(
        reverse("cases:journal_add", kwargs={"pk": case.pk}),
        {**data, "csrfmiddlewaretoken": _token(client)},
        headers={"Origin": "https://attacker.example"},
    )

    assert response.status_code == 403
    assert JournalEntry.objects.filter(case=case).count() == before


def _gets_write(client: Client, urls: list[tuple[str, str]], label: str) -> list[str]:
    """GET every URL; when anything was written, GET them again one by one to name the URL that writes."""
    before = snapshot(skip_reads=True)
    for _name, url in urls:
        client.get(url)
    written = changes(before, snapshot(skip_reads=True))
    if not written:
        return []
    failures = []
    for name, url in urls:
        before = snapshot(skip_reads=True)
        client.get(url)
        failures += [
            f"{label} GET {url} ({name}) changed {c}" for c in changes(before, snapshot(skip_reads=True))
        ]
    return failures or [f"{label}: GETs of {[u for _n, u in urls]} changed {written}"]


def test_other_pages_get_changes_nothing(demo: DemoTerritory) -> None:
    """The read-only pages with a real object, then every other URL of the project (dummy arguments), for a
    territory role, the DPO and the administrator: a GET writes nothing outside the audit log and the session
    (GET_WRITES_ALLOWED aside, checked URL by URL)."""
    world = World(demo)
    failures: list[str] = []
    for name, act in pages(world).items():
        client = Client()
        client.force_login(demo.users[act.user])
        before = snapshot(skip_reads=True)
        response = client.get(act.url, act.data)
        if response.status_code != 200:
            failures.append(f"{name}: GET answered {response.status_code}")
        failures += [f"{name}: GET changed {c}" for c in changes(before, snapshot(skip_reads=True))]
    known = set(pages(world)) | ACTION_URLS
    others = [(n, u) for n, u in sorted(set(project_urls())) if n not in known]
    for username in ("coordinatore", "dpo", "admin"):
        client = Client()
        client.force_login(demo.users[username])
        plain = [(n, u) for n, u in others if n not in GET_WRITES_ALLOWED]
        if username != "admin":  # the admin site's own pages: only for the administrator
            plain = [(n, u) for n, u in plain if not n.startswith("admin:")]
        failures += _gets_write(client, plain, username)
        for name, url in others:
            if name in GET_WRITES_ALLOWED:
                before = snapshot(skip_reads=True)
                client.get(url)
                written = changes(before, snapshot(skip_reads=True), GET_WRITES_ALLOWED[name])
                failures += [f"{username} GET {url} ({name}) changed {c}" for c in written]
    assert not failures, "\n".join(failures)


# --- login and logout ----------------------------------------------------------------------------------------


def _logged_in(client: Client) -> bool:
    return client.get(reverse("worklists:home")).status_code == 200


def test_logout_is_post_only_and_csrf_protected(demo: DemoTerritory) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.users["assistente"])
    url = reverse("logout")

    assert client.get(url).status_code == 405
    assert _logged_in(client)
    assert client.post(url).status_code == 403
    assert _logged_in(client)

    done = client.post(url, {"csrfmiddlewaretoken": _token(client)})
    assert done.status_code == 302
    assert not _logged_in(client)


def test_login_is_csrf_protected(demo: DemoTerritory) -> None:
    """Login CSRF: a forged login would put the victim in the attacker's session."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("login")
    client.get(url)
    credentials = {"username": "assistente", "password": TEST_PASSWORD}

    assert client.post(url, credentials).status_code == 403
    assert not _logged_in(client)
    assert client.post(url, {**credentials, "csrfmiddlewaretoken": _token(client)}).status_code == 302
    assert _logged_in(client)
    assert User.objects.get(username="assistente").last_login is not None
