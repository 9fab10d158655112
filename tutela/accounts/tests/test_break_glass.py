"""Break-the-glass (DESIGN.md section 5, ADR 0007): a reason, a fresh re-authentication with the second factor,
then a time-limited, audited access to a case outside the scope, reviewed by the coordinator and the DPO."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.access import active_break_glass, cases_visible_to, get_case_for_user
from tutela.accounts.models import BreakGlassAccess, Membership, User
from tutela.accounts.roles import ROLE_CAPABILITIES, Cap, Role
from tutela.accounts.tests.auth_helpers import app_code, enrolled
from tutela.accounts.tests.conftest import PDF, foreign_territory_case
from tutela.audit.models import AuditEvent
from tutela.cases.models import Case
from tutela.cases.services.journal import journal_entry_add
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.territory import DemoTerritory
from tutela.documents.services import attachment_store
from tutela.testing import factories

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
REASON = "Il minore è in pronto soccorso e il referente del caso non risponde."
SECRET = "Annotazione riservata: esito della visita neuropsichiatrica"
PUBLIC = "Annotazione ordinaria: colloquio con la scuola"
REQUEST = "/accesso/emergenza/"
CONFIRM = "/accesso/emergenza/conferma/"
REVIEWS = "/accessi-di-emergenza/"
REAUTH_FOR_CONFIRM = "/accesso/conferma/?next=%2Faccesso%2Femergenza%2Fconferma%2F"
WITHOUT_CAPABILITY = (
    "protocollo",
    "segretariato",
    "amministrativo",
    "sds",
    "comune",
    "educatore",
    "cooperativa",
    "dpo",
    "admin",
)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def other_case(demo: DemoTerritory, clock: Any) -> Case:
    """In care, led by assistente2, with an ordinary and a confidential journal entry and document: outside the
    scope of assistente and psicologa."""
    case = factories.in_care_case(demo, worker="assistente2", residence="Montemurlo")
    author = demo.users["assistente2"]
    today = timezone.localdate()
    journal_entry_add(case=case, actor=author, kind="note", occurred_on=today, text=PUBLIC)
    journal_entry_add(
        case=case, actor=author, kind="health_contact", occurred_on=today, text=SECRET, confidential=True
    )
    return case


@pytest.fixture
def device(social_worker: User) -> Any:
    return enrolled(social_worker)[0]


def _login(client: Client, user: User) -> Client:
    client.logout()
    client.force_login(user)
    return client


def _ask(client: Client, code: str, reason: str = REASON) -> Any:
    return client.post(REQUEST, {"code": code, "reason": reason})


def _reauth(client: Client, device: Any, token: str | None = None) -> Any:
    token = app_code(device) if token is None else token
    return client.post("/accesso/conferma/", {"password": TEST_PASSWORD, "otp_token": token, "next": CONFIRM})


def _break_glass(client: Client, device: Any, code: str, reason: str = REASON) -> Any:
    """The whole journey: code and reason, identity confirmed again, then the confirmation's POST."""
    assert _ask(client, code, reason)["Location"] == CONFIRM
    assert client.get(CONFIRM)["Location"] == REAUTH_FOR_CONFIRM
    assert _reauth(client, device)["Location"] == CONFIRM
    assert client.get(CONFIRM).status_code == 200
    return client.post(CONFIRM)


def _actions(since: int = 0) -> list[str]:
    return list(AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True))


def _last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"pk": case.pk})


# --- who may ask ----------------------------------------------------------------------------------------------


def test_the_capability_goes_to_the_roles_the_issue_names() -> None:
    holders = {role for role, caps in ROLE_CAPABILITIES.items() if Cap.BREAK_GLASS in caps}
    assert holders == {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HEALTH_PROFESSIONAL, Role.MANAGER}


def test_roles_without_the_capability_get_404_on_every_page(
    client: Client, demo: DemoTerritory, outsider: User, other_case: Case
) -> None:
    for username in (*WITHOUT_CAPABILITY, "estraneo"):
        user = outsider if username == "estraneo" else demo.users[username]
        _login(client, user)
        answers = [
            client.get(REQUEST).status_code,
            _ask(client, other_case.code).status_code,
            client.get(CONFIRM).status_code,
            client.post(CONFIRM).status_code,
        ]
        assert answers == [404] * 4, username
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.parametrize("reason", ["", "Urgenza.", "   " + "x" * 19 + "   "])
def test_refused_without_a_reason_of_twenty_characters(
    client: Client, social_worker: User, device: Any, other_case: Case, reason: str
) -> None:
    _login(client, social_worker)
    response = _ask(client, other_case.code, reason)
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert client.get(CONFIRM).context["pending"] is None  # nothing waits for a confirmation
    assert not BreakGlassAccess.objects.exists()


def test_refused_without_re_authentication(
    client: Client, social_worker: User, device: Any, other_case: Case
) -> None:
    _login(client, social_worker)
    _ask(client, other_case.code)
    assert client.get(CONFIRM)["Location"] == REAUTH_FOR_CONFIRM
    assert client.post(CONFIRM)["Location"] == REAUTH_FOR_CONFIRM
    assert not BreakGlassAccess.objects.exists()
    assert client.get(_case_url(other_case)).status_code == 404


def test_a_confirmation_given_before_the_reason_does_not_count(
    client: Client, social_worker: User, device: Any, other_case: Case, clock: Any
) -> None:
    """The fresh window: the identity is confirmed after the reason, for this access."""
    _login(client, social_worker)
    assert _reauth(client, device).status_code == 302
    clock.shift(dt.timedelta(seconds=1))
    _ask(client, other_case.code)
    assert client.post(CONFIRM)["Location"] == REAUTH_FOR_CONFIRM
    assert not BreakGlassAccess.objects.exists()


def test_refused_with_a_wrong_code(
    client: Client, social_worker: User, device: Any, other_case: Case
) -> None:
    _login(client, social_worker)
    _ask(client, other_case.code)
    wrong = "000001" if app_code(device) == "000000" else "000000"
    assert _reauth(client, device, token=wrong).status_code == 200
    assert client.post(CONFIRM)["Location"] == REAUTH_FOR_CONFIRM
    assert not BreakGlassAccess.objects.exists()
    assert "accounts.user.reauthentication_failed" in _actions()


def test_refused_without_a_second_factor_to_enter(
    client: Client, social_worker: User, other_case: Case
) -> None:
    _login(client, social_worker)
    page = client.get(REQUEST)
    assert page.status_code == 200 and "verifica in due passaggi" in page.content.decode()
    assert _ask(client, other_case.code).status_code == 200
    assert client.get(CONFIRM).context["pending"] is None
    assert not BreakGlassAccess.objects.exists()


# --- the access ----------------------------------------------------------------------------------------------


def test_granted_the_case_opens_for_an_hour_audited_with_the_access(
    client: Client, social_worker: User, device: Any, other_case: Case, clock: Any
) -> None:
    _login(client, social_worker)
    case_url = _case_url(other_case)
    assert client.get(case_url).status_code == 404
    before = _last_audit_id()

    response = _break_glass(client, device, other_case.code.lower())  # the code as typed, any case
    assert response["Location"] == case_url
    access = BreakGlassAccess.objects.get()
    assert (access.user, access.case, access.reason) == (social_worker, other_case, REASON)
    assert (access.opened_at, access.expires_at) == (START, START + dt.timedelta(minutes=60))
    opened = AuditEvent.objects.get(action="accounts.break_glass.opened")
    assert (opened.actor, opened.case_id, opened.reason) == (social_worker, other_case.pk, REASON)
    assert opened.data["break_glass"] == access.pk
    assert _actions(before) == [
        "accounts.user.reauthenticated",
        "accounts.break_glass.opened",
    ]

    before = _last_audit_id()
    page = client.get(case_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Accesso di emergenza" in html and REASON in html and "scade alle 11:00" in html  # Rome
    assert PUBLIC in html and SECRET in html  # a social worker reads confidential sections
    assert 'id="journal-form"' not in html and "Aggiungi all" not in html  # reading only
    [viewed] = AuditEvent.objects.filter(id__gt=before)
    assert (viewed.action, viewed.case_id, viewed.data) == (
        "cases.case.viewed",
        other_case.pk,
        {"break_glass": access.pk},
    )
    assert other_case in cases_visible_to(social_worker)
    assert client.post(reverse("cases:journal_add", kwargs={"pk": other_case.pk}), {}).status_code == 404

    clock.shift(dt.timedelta(minutes=60))
    _login(client, social_worker)  # the idle session has expired meanwhile: a new login, same user
    before = _last_audit_id()
    assert client.get(case_url).status_code == 404
    assert not AuditEvent.objects.filter(id__gt=before).exists()
    assert other_case not in cases_visible_to(social_worker)


def test_a_document_read_under_the_access_names_it_in_the_audit(
    client: Client, social_worker: User, coordinator: User, device: Any, other_case: Case
) -> None:
    document = attachment_store(
        content=PDF, original_name="verbale.pdf", actor=coordinator, case=other_case, title="Verbale"
    )
    _login(client, social_worker)
    _break_glass(client, device, other_case.code)
    access = BreakGlassAccess.objects.get()
    before = _last_audit_id()
    assert client.get(reverse("documents:download", kwargs={"pk": document.pk})).status_code == 200
    [read] = AuditEvent.objects.filter(id__gt=before)
    assert read.action == "documents.attachment.downloaded" and read.data == {"break_glass": access.pk}


def test_confidential_sections_stay_hidden_from_a_role_that_may_not_read_them(
    client: Client,
    demo: DemoTerritory,
    other_case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No role today breaks the glass without reading confidential sections outside the territory scope: a
    health professional without view_confidential stands in for one."""
    psychologist = demo.users["psicologa"]
    capabilities = ROLE_CAPABILITIES[Role.HEALTH_PROFESSIONAL] - {Cap.VIEW_CONFIDENTIAL}
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.HEALTH_PROFESSIONAL, capabilities)
    device = enrolled(psychologist)[0]
    _login(client, psychologist)
    assert _break_glass(client, device, other_case.code)["Location"] == _case_url(other_case)
    html = client.get(_case_url(other_case)).content.decode()
    assert PUBLIC in html and SECRET not in html


def test_an_access_does_not_cross_territories(
    client: Client, social_worker: User, device: Any, demo: DemoTerritory
) -> None:
    foreign, _proposal = foreign_territory_case()
    _login(client, social_worker)
    response = _break_glass(client, device, foreign.code)
    assert response["Location"] == REQUEST
    assert "Pratica non trovata" in client.get(REQUEST).content.decode()
    assert not BreakGlassAccess.objects.exists()
    refused = AuditEvent.objects.get(action="accounts.break_glass.refused")
    assert refused.data == {"code": foreign.code, "why": "not_found"} and refused.reason == REASON
    assert client.get(_case_url(foreign)).status_code == 404


def test_an_unknown_code_goes_through_the_same_pages_as_an_existing_one(
    client: Client, social_worker: User, device: Any, other_case: Case, clock: Any
) -> None:
    """Nothing answers differently before the reason and the second factor are given; only then "not found"."""
    unknown = "TM-2030-99999"
    assert not Case.objects.filter(code=unknown).exists()
    journeys = {}
    for code in (other_case.code, unknown):
        _login(client, social_worker)  # a session of its own for each journey
        steps = [_ask(client, code), client.get(CONFIRM), client.get(REAUTH_FOR_CONFIRM)]
        steps += [_reauth(client, device), client.get(CONFIRM)]
        journeys[code] = [_shape(step, code) for step in steps]
        clock.shift(dt.timedelta(seconds=30))  # a new TOTP step: a code is never accepted twice
    assert journeys[other_case.code] == journeys[unknown]
    assert client.post(CONFIRM)["Location"] == REQUEST  # the unknown code, after the re-authentication
    assert "Pratica non trovata" in client.get(REQUEST).content.decode()
    assert not BreakGlassAccess.objects.exists()


def _shape(response: Any, code: str) -> tuple[int, str, str]:
    """What a response shows, with the code typed and the per-request tokens masked."""
    body = response.content.decode() if response.status_code == 200 else ""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    body = re.sub(r'nonce="[^"]+"', "NONCE", body)
    return response.status_code, response.get("Location", ""), body.replace(code, "CODE")


def test_a_case_already_in_scope_opens_no_access(client: Client, coordinator: User, other_case: Case) -> None:
    device = enrolled(coordinator)[0]
    _login(client, coordinator)
    assert _break_glass(client, device, other_case.code)["Location"] == _case_url(other_case)
    assert not BreakGlassAccess.objects.exists()


def test_each_access_states_its_own_reason(
    client: Client, social_worker: User, device: Any, other_case: Case, clock: Any
) -> None:
    _login(client, social_worker)
    _break_glass(client, device, other_case.code)
    assert client.post(CONFIRM).context["pending"] is None  # the request was used up
    assert BreakGlassAccess.objects.count() == 1


def test_the_access_helper_follows_the_expiry(social_worker: User, other_case: Case, clock: Any) -> None:
    access = BreakGlassAccess.objects.create(
        user=social_worker,
        case=other_case,
        reason=REASON,
        opened_at=START,
        expires_at=START + dt.timedelta(minutes=60),
    )
    assert active_break_glass(social_worker, other_case) == access
    assert get_case_for_user(social_worker, other_case.pk).break_glass == access
    clock.shift(dt.timedelta(minutes=61))
    assert active_break_glass(social_worker, other_case) is None
    with pytest.raises(Http404):
        get_case_for_user(social_worker, other_case.pk)


def test_an_access_ends_with_the_role_that_opened_it(
    social_worker: User, other_case: Case, clock: Any
) -> None:
    BreakGlassAccess.objects.create(
        user=social_worker,
        case=other_case,
        reason=REASON,
        opened_at=START,
        expires_at=START + dt.timedelta(minutes=60),
    )
    Membership.objects.filter(user=social_worker).update(active=False)
    fresh = User.objects.get(pk=social_worker.pk)
    assert not cases_visible_to(fresh).filter(pk=other_case.pk).exists()


# --- the review queue ----------------------------------------------------------------------------------------


@pytest.fixture
def access(social_worker: User, other_case: Case) -> BreakGlassAccess:
    return BreakGlassAccess.objects.create(
        user=social_worker,
        case=other_case,
        reason=REASON,
        opened_at=START,
        expires_at=START + dt.timedelta(minutes=60),
    )


def _foreign_coordinator() -> User:
    foreign, _proposal = foreign_territory_case()
    user = User.objects.create_user(username="coordinatore.firenze", password=TEST_PASSWORD)
    assert foreign.territory.managing_body is not None
    Membership.objects.create(user=user, organisation=foreign.territory.managing_body, role=Role.COORDINATOR)
    return user


def test_the_queue_shows_to_the_coordinator_of_the_territory_and_the_dpo_only(
    client: Client, demo: DemoTerritory, access: BreakGlassAccess, outsider: User
) -> None:
    for username in ("coordinatore", "dpo"):
        page = _login(client, demo.users[username]).get(REVIEWS)
        assert page.status_code == 200, username
        html = page.content.decode()
        assert access.case.code in html and REASON in html
        assert "Accessi di emergenza da verificare (1)" in html  # the navigation entry, with its count
    for username in ("assistente", "assistente2", "psicologa", "dirigente", *WITHOUT_CAPABILITY[:-2]):
        assert _login(client, demo.users[username]).get(REVIEWS).status_code == 404, username
    page = _login(client, _foreign_coordinator()).get(REVIEWS)
    assert page.status_code == 200 and access.case.code not in page.content.decode()
    assert _login(client, outsider).get(REVIEWS).status_code == 404


def test_nobody_reviews_their_own_access(
    client: Client, coordinator: User, other_case: Case, clock: Any
) -> None:
    BreakGlassAccess.objects.create(
        user=coordinator, case=other_case, reason=REASON, opened_at=START, expires_at=START
    )
    html = _login(client, coordinator).get(REVIEWS).content.decode()
    assert other_case.code not in html


def test_a_review_is_a_post_that_stores_the_outcome_and_is_audited(
    client: Client, coordinator: User, access: BreakGlassAccess, clock: Any
) -> None:
    _login(client, coordinator)
    before = _last_audit_id()
    assert client.get(REVIEWS).status_code == 200
    access.refresh_from_db()
    # Reading the queue is audited as a read; it reviews nothing.
    assert access.reviewed_at is None
    assert list(AuditEvent.objects.filter(id__gt=before).values_list("action", flat=True)) == [
        "accounts.break_glass.queue_viewed"
    ]

    prefix = f"verifica-{access.pk}"
    response = client.post(
        REVIEWS, {f"{prefix}-access": access.pk, f"{prefix}-outcome": "justified", f"{prefix}-note": "Ok."}
    )
    assert response["Location"] == REVIEWS
    access.refresh_from_db()
    assert (access.reviewed_by, access.reviewed_at, access.review_outcome, access.review_note) == (
        coordinator,
        START,
        "justified",
        "Ok.",
    )
    assert access.expires_at == START + dt.timedelta(minutes=60)  # a justified access runs its course
    reviewed = AuditEvent.objects.get(action="accounts.break_glass.reviewed")
    assert (reviewed.actor, reviewed.case_id) == (coordinator, access.case_id)
    assert reviewed.data == {"break_glass": access.pk, "outcome": "justified", "ended": False}
    html = client.get(REVIEWS).content.decode()
    assert "Nessun accesso di emergenza da verificare." in html and "giustificato" in html

    again = client.post(REVIEWS, {f"{prefix}-access": access.pk, f"{prefix}-outcome": "not_justified"})
    assert again.status_code == 200 and "già stato verificato" in again.content.decode()
    access.refresh_from_db()
    assert access.review_outcome == "justified"


def test_not_justified_needs_a_note_and_ends_the_access_at_once(
    client: Client, demo: DemoTerritory, access: BreakGlassAccess, clock: Any
) -> None:
    dpo = demo.users["dpo"]
    _login(client, dpo)
    prefix = f"verifica-{access.pk}"
    response = client.post(REVIEWS, {f"{prefix}-access": access.pk, f"{prefix}-outcome": "not_justified"})
    assert response.status_code == 200
    access.refresh_from_db()
    assert access.reviewed_at is None
    assert get_case_for_user(User.objects.get(pk=access.user_id), access.case_id)

    client.post(
        REVIEWS,
        {
            f"{prefix}-access": access.pk,
            f"{prefix}-outcome": "not_justified",
            f"{prefix}-note": "Il caso non era urgente.",
        },
    )
    access.refresh_from_db()
    assert (access.review_outcome, access.reviewed_by, access.expires_at) == ("not_justified", dpo, START)
    assert active_break_glass(User.objects.get(pk=access.user_id), access.case) is None


def test_a_coordinator_cannot_review_another_territory_s_access(
    client: Client, access: BreakGlassAccess, clock: Any
) -> None:
    _login(client, _foreign_coordinator())
    prefix = f"verifica-{access.pk}"
    response = client.post(REVIEWS, {f"{prefix}-access": access.pk, f"{prefix}-outcome": "justified"})
    assert response.status_code == 200
    access.refresh_from_db()
    assert access.reviewed_at is None


def test_navigation_offers_the_request_to_those_who_may_break_the_glass(
    client: Client, demo: DemoTerritory
) -> None:
    for username in ("assistente", "psicologa", "coordinatore", "dirigente", "educatore", "comune"):
        html = _login(client, demo.users[username]).get("/").content.decode()
        shown = f'href="{REQUEST}"' in html
        assert shown == (username not in {"educatore", "comune"}), username
