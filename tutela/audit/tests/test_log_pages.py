"""The DPO's pages on the audit log (ADR 0008): only the DPO, who accessed a child's file (GDPR art. 15), the
filtered log, its exports behind a fresh re-authentication, and every one of these audited in turn."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tutela.accounts.models import BreakGlassAccess, User
from tutela.accounts.reauth import SESSION_KEY
from tutela.accounts.tests.conftest import login
from tutela.audit.models import AuditEvent
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.core.demo.territory import DemoTerritory
from tutela.testing import factories
from tutela.testing.html import active_content, page_text

LOG_URLS = ["audit:home", "audit:file", "audit:event_list", "audit:event_export"]
FORMULA = '=HYPERLINK("http://example.invalid","clic")'


@pytest.fixture
def case(demo: DemoTerritory, client: Client) -> Case:
    """A case the coordinator has opened, from 10.1.2.3."""
    case = factories.referred_case(demo)
    login(client, demo.users["coordinatore"])
    assert (
        client.get(reverse("cases:detail", kwargs={"pk": case.pk}), REMOTE_ADDR="10.1.2.3").status_code == 200
    )
    return case


@pytest.fixture
def dpo(demo: DemoTerritory, client: Client) -> User:
    return login(client, demo.users["dpo"]) and demo.users["dpo"]


def _reauthenticated(client: Client, user: User) -> None:
    session = client.session
    session[SESSION_KEY] = {"user": user.pk, "at": timezone.now().timestamp()}
    session.save()


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("sequence")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- who may see them ----------------------------------------------------------------------------------------


def test_only_the_dpo_sees_the_log_and_its_menu_entry(
    demo: DemoTerritory, client: Client, case: Case
) -> None:
    before = AuditEvent.objects.count()
    for username in ("coordinatore", "admin", "assistente", "comune", "dirigente"):
        login(client, demo.users[username])
        assert "Registro accessi" not in client.get(reverse("worklists:home")).content.decode()
        for name in LOG_URLS:
            assert client.get(reverse(name), {"q": case.code}).status_code == 404, (username, name)
    assert not AuditEvent.objects.filter(id__gt=before, action__startswith="audit.").exists()
    login(client, demo.users["dpo"])
    page = client.get(reverse("audit:home"))
    assert page.status_code == 200
    assert 'href="/registro-accessi/"' in page.content.decode()  # the menu entry
    assert reverse("accounts:break_glass_reviews") in page.content.decode()


# --- who accessed this child's file ---------------------------------------------------------------------------


def test_the_accesses_to_a_childs_file_by_fiscal_code(client: Client, case: Case, dpo: User) -> None:
    fiscal_code = case.child.fiscal_code
    page = client.get(reverse("audit:file"), {"q": f" {fiscal_code.lower()} "}).content.decode()
    assert case.code in page
    assert "Consultazione della pratica" in page
    assert "Coordinatore professionale" in page  # the role at the time
    assert "10.1.2.3" in page
    assert case.child.surname in page
    viewed = _last("audit.log.viewed")
    assert (viewed.actor_id, viewed.case_id) == (dpo.pk, case.pk)  # the case's own log shows the DPO looked
    assert viewed.data["q"] == fiscal_code.lower()


def test_the_accesses_to_a_case_by_its_code_and_nothing_for_an_unknown_one(
    client: Client, case: Case, dpo: User
) -> None:
    assert (
        "Consultazione della pratica" in client.get(reverse("audit:file"), {"q": case.code}).content.decode()
    )
    page = client.get(reverse("audit:file"), {"q": "RSSMRA80A01H501U"}).content.decode()
    assert "Nessun minore con questo codice fiscale" in page
    assert _last("audit.log.viewed").data == {
        "page": "file",
        "q": "RSSMRA80A01H501U",
        "found": False,
        "page_number": 1,
    }


def test_a_read_under_an_emergency_access_is_flagged_with_its_reason(
    demo: DemoTerritory, client: Client, case: Case, dpo: User
) -> None:
    reader = demo.users["dirigente"]
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=reader,
        case=case,
        reason="Minore al pronto soccorso, serve il recapito dei genitori",
        opened_at=now,
        expires_at=now + dt.timedelta(hours=1),
    )
    audit_record(actor=reader, action="cases.case.viewed", case_id=case.pk, data={"break_glass": access.pk})
    page = client.get(reverse("audit:file"), {"q": case.code}).content.decode()
    assert "Minore al pronto soccorso" in page
    assert page.count('class="table-warning"') == 1
    assert page.count(">Sì<") == 1


# --- the whole log, filtered ----------------------------------------------------------------------------------


def test_the_log_filtered_by_user_action_period_and_case(
    demo: DemoTerritory, client: Client, case: Case, dpo: User
) -> None:
    coordinator = demo.users["coordinatore"]
    today = timezone.localdate()
    url = reverse("audit:event_list")

    def shown(**filters: Any) -> list[AuditEvent]:
        response = client.get(url, filters)
        assert response.status_code == 200
        return [row.event for row in response.context["rows"]]

    mine = shown(utente=coordinator.pk, azione="cases.case.viewed")
    assert mine and all(e.actor_id == coordinator.pk and e.action == "cases.case.viewed" for e in mine)
    assert shown(utente=coordinator.pk, azione="cases.case.viewed", dal=today, al=today) == mine
    assert shown(utente=coordinator.pk, al=today - dt.timedelta(days=1)) == []
    assert {e.case_id for e in shown(pratica=case.code.lower())} == {case.pk}
    assert _last("audit.log.viewed").data["filters"] == {
        "user": None,
        "action": "",
        "since": None,
        "until": None,
        "case": case.code,
    }


def test_wrong_filters_show_their_error_and_no_event(client: Client, case: Case, dpo: User) -> None:
    today = timezone.localdate()
    response = client.get(reverse("audit:event_list"), {"dal": today, "al": today - dt.timedelta(days=1)})
    assert "La fine del periodo precede l&#x27;inizio." in response.content.decode()
    assert response.context["rows"] == []
    response = client.get(reverse("audit:event_list"), {"pratica": "NON-ESISTE"})
    assert "Nessuna pratica con questo codice." in response.content.decode()
    assert _last("audit.log.viewed").data["valid"] is False


def test_the_log_is_paginated_newest_first(demo: DemoTerritory, client: Client, dpo: User) -> None:
    for n in range(55):
        audit_record(actor=demo.users["assistente"], action="deadlines.deadline.created", data={"n": n})
    url = reverse("audit:event_list")
    first = client.get(url, {"azione": "deadlines.deadline.created"}).context["rows"]
    second = client.get(url, {"azione": "deadlines.deadline.created", "page": 2}).context["rows"]
    assert [r.event.data["n"] for r in first] == list(range(54, 4, -1))
    assert [r.event.data["n"] for r in second] == [4, 3, 2, 1, 0]


# --- exports --------------------------------------------------------------------------------------------------


def test_an_export_asks_for_a_fresh_reauthentication_first(client: Client, case: Case, dpo: User) -> None:
    url = f"{reverse('audit:event_export')}?formato=csv&pratica={case.code}"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert not AuditEvent.objects.filter(action="audit.log.exported").exists()
    session = client.session
    session[SESSION_KEY] = {"user": dpo.pk, "at": (timezone.now() - dt.timedelta(hours=1)).timestamp()}
    session.save()
    assert client.get(url).status_code == 302  # an old confirmation is not enough


def _with_formula(demo: DemoTerritory, case: Case) -> None:
    audit_record(
        actor=demo.users["coordinatore"], action="cases.case.viewed", case_id=case.pk, reason=FORMULA
    )


def test_the_csv_export_neutralises_formulas_and_is_audited(
    demo: DemoTerritory, client: Client, case: Case, dpo: User
) -> None:
    _with_formula(demo, case)
    _reauthenticated(client, dpo)
    filters = {"pratica": case.code, "azione": "cases.case.viewed"}
    response = client.get(reverse("audit:event_export"), {"formato": "csv", **filters})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="registro-accessi-' in response["Content-Disposition"]
    lines = _body(response).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Progressivo;Quando;Utente;Ruoli;Codice azione;Azione;Pratica")
    assert len(lines) == 3  # the header, the formula's event, the coordinator's visit
    assert "'=HYPERLINK" in lines[1]
    assert ";Consultazione della pratica;" in lines[2] and ";10.1.2.3;" in lines[2]
    exported = _last("audit.log.exported")
    assert (exported.actor_id, exported.case_id) == (dpo.pk, case.pk)
    assert exported.data == {
        "format": "csv",
        "filters": {
            "user": None,
            "action": "cases.case.viewed",
            "since": None,
            "until": None,
            "case": case.code,
        },
    }


def test_the_xlsx_export_writes_text_not_formulas(
    demo: DemoTerritory, client: Client, case: Case, dpo: User
) -> None:
    _with_formula(demo, case)
    _reauthenticated(client, dpo)
    filters = {"pratica": case.code, "azione": "cases.case.viewed"}
    response = client.get(reverse("audit:event_export"), {"formato": "xlsx", **filters})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(_body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Progressivo", "Quando", "Utente")
    reason = sheet.cell(row=2, column=10)
    assert (reason.value, reason.data_type) == ("'" + FORMULA, "s")
    assert isinstance(rows[2][1], dt.datetime)  # a real date cell, local time
    assert rows[2][5] == "Consultazione della pratica"
    assert _last("audit.log.exported").data["format"] == "xlsx"


def test_an_export_with_wrong_filters_goes_back_to_the_list(client: Client, dpo: User) -> None:
    _reauthenticated(client, dpo)
    response = client.get(reverse("audit:event_export"), {"formato": "pdf"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:event_list"))
    assert not AuditEvent.objects.filter(action="audit.log.exported").exists()


def test_what_the_log_holds_is_shown_as_text(
    demo: DemoTerritory, client: Client, case: Case, dpo: User
) -> None:
    hostile = '<script src="//evil.example/x.js"></script><img src=x onerror=alert(1)>'
    audit_record(
        actor=demo.users["coordinatore"], action="cases.case.viewed", case_id=case.pk, reason=hostile
    )
    for url, query in [("audit:file", {"q": case.code}), ("audit:event_list", {"pratica": case.code})]:
        page = client.get(reverse(url), query).content.decode()
        assert active_content(page) == [], url
        assert hostile in page_text(page), url
