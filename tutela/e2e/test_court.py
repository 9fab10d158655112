"""Court journeys in a real browser (seed 001: "cura i rapporti con l'Autorità giudiziaria").

1. A court order with six-monthly reports: its deadline on the case page and in the worklist, the report
   written in separate sections and filed with a protocol number, the next deadline six months on.
2. An art. 403 c.c. placement through its clock, with one step late: escalated to the coordinator, who sees it
   in the worklist and in the territory's court deadlines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tutela.court.demo import authorities_ensure
from tutela.court.models import Art403Escalation, CourtReport, StepKind
from tutela.court.services.common import add_months
from tutela.court.services.emergency import PlacementData, art403_step_record, emergency_placement_record
from tutela.court.services.escalation import art403_check
from tutela.deadlines.calendar import next_business_day, patron_of
from tutela.protocol.models import ProtocolEntry
from tutela.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]
PROTOCOL_NUMBER = re.compile(r"\b(\d{7})/(\d{4})\b")


def success(page: Page) -> Locator:
    return page.locator(".tutela-messages .alert-success")


def worklist_section(page: Page, key: str) -> Locator:
    return page.locator(f"section#{key}")


def assert_page_healthy(page: Page) -> None:
    problems: list[str] = page.problems  # type: ignore[attr-defined]
    assert problems == []


def _open_case(page: Page, case: Any) -> None:
    page.goto(f"/pratiche/{case.pk}/")
    expect(page.get_by_text(f"Pratica {case.code}", exact=False).first).to_be_visible()


def test_court_order_with_six_monthly_reports_to_the_filed_report(
    demo: Any, login: Login, page: Page
) -> None:
    case = factories.in_care_case(demo)  # led by Anna Ricci
    authorities_ensure(demo)
    today = timezone.localdate()
    first_due = next_business_day(today + dt.timedelta(days=3), patron_of(case.territory))
    next_due = next_business_day(add_months(first_due, 6), patron_of(case.territory))

    # The social worker records the proceeding and the order received from the juvenile court.
    login("assistente")
    _open_case(page, case)
    page.get_by_role("link", name="Apri la sezione Autorità giudiziaria").click()
    page.get_by_role("link", name="Nuovo procedimento").click()
    page.get_by_label("Autorità giudiziaria").select_option(label="Tribunale per i minorenni di Firenze")
    page.get_by_label("Numero di ruolo generale (RG)").fill("2417")
    page.get_by_label("Anno del ruolo").fill(str(today.year))
    page.get_by_label("Natura del procedimento").select_option(label="Civile")
    page.get_by_label("Aperto il").fill((today - dt.timedelta(days=20)).isoformat())
    page.get_by_label("Curatore speciale").fill("Avv. Paolo Rossi")
    page.get_by_role("button", name="Conferma").click()
    expect(success(page)).to_have_text("Procedimento registrato.")

    page.get_by_role("link", name="Registra un provvedimento").click()
    page.get_by_label("Numero del provvedimento").fill("311/2026")
    page.get_by_label("Data del provvedimento").fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_label("Depositato in cancelleria il").fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_label("Ricevuto dal servizio il").fill((today - dt.timedelta(days=2)).isoformat())
    page.locator("label", has_text="Provvisorio").click()
    page.locator("#id_nature").select_option(label="Civile")
    page.get_by_label("Relazioni periodiche ogni (mesi)").fill("6")
    page.get_by_label("Prima relazione entro il").fill(first_due.isoformat())
    page.locator("#id_misure-0-kind").select_option(label="Affidamento al servizio sociale")
    page.get_by_role("button", name="Registra il provvedimento").click()
    expect(success(page)).to_have_text("Provvedimento registrato con le sue scadenze.")
    deadline_text = f"Relazione periodica a Tribunale per i minorenni di Firenze (RG 2417/{today.year})"
    expect(page.locator("#order-deadlines")).to_contain_text(f"{deadline_text}: {first_due:%d/%m/%Y}")
    expect(page.locator("#order-measures")).to_contain_text("Affidamento al servizio sociale")

    # The deadline is on the case page and in the worklist.
    _open_case(page, case)
    expect(page.locator("#court-deadlines")).to_contain_text(deadline_text)
    expect(page.locator("#court-deadlines")).to_contain_text(first_due.strftime("%d/%m/%Y"))
    page.goto("/")
    expect(
        page.locator("section").filter(has_text=case.code).filter(has_text="Relazione periodica").first
    ).to_be_visible()
    # ... and in the social worker's calendar, among the next days' deadlines and in its month.
    page.get_by_role("link", name="Scadenze", exact=True).click()
    expect(page.locator("#upcoming")).to_contain_text(case.code)
    page.goto(f"/scadenze/calendario/?mese={first_due:%Y-%m}")
    # The case has other deadlines (its take in charge, for one) that may fall in the same month: look for the
    # court report's row by its kind, so the journey reads the same on any day of the year.
    court_rows = (
        page.locator("#month-list tr")
        .filter(has_text=case.code)
        .filter(has_text="Relazione all'autorità giudiziaria")
    )
    expect(court_rows).to_have_count(1)
    expect(court_rows).to_contain_text(first_due.strftime("%d/%m/%Y"))

    # The report: facts, statements, evaluations and methods apart; the statements stay out of the parties' copy.
    _open_case(page, case)
    page.get_by_role("link", name="Apri la sezione Autorità giudiziaria").click()
    page.get_by_role(
        "link", name=f"Provvedimento n. 311/2026 del {today - dt.timedelta(days=5):%d/%m/%Y}"
    ).click()
    page.get_by_role("link", name="Nuova relazione").click()
    page.get_by_label("La relazione risponde a").select_option(label="Relazione periodica")
    page.get_by_role("button", name="Conferma").click()
    expect(success(page)).to_have_text("Bozza della relazione creata.")
    page.locator("#id_facts-text").fill("Il minore frequenta regolarmente la scuola e gli incontri protetti.")
    page.locator("#id_statements-text").fill("La madre dichiara di aver iniziato il percorso al consultorio.")
    page.locator("#editor-statements label", has_text="Non ostensibile").click()
    page.locator("#id_evaluations-text").fill("Si osserva un miglioramento della relazione madre-figlio.")
    page.locator("label", has_text="Colloqui").click()
    page.locator("label", has_text="Visite domiciliari").click()
    page.get_by_role("button", name="Salva la bozza").click()
    expect(success(page)).to_have_text("Bozza della relazione salvata.")
    expect(page.locator("#sezione-statements")).to_contain_text("Non ostensibile")

    page.get_by_role("link", name="Copia per le parti").click()
    expect(page.locator("#disclosable-copy")).to_contain_text("frequenta regolarmente la scuola")
    expect(page.locator("#disclosable-copy")).not_to_contain_text("consultorio")
    page.go_back()

    page.get_by_role("link", name="Deposita e protocolla").click()
    # Two PDFs are rendered while the request runs: give it more than the usual ten seconds.
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Deposita e protocolla").click(no_wait_after=True)
    expect(success(page)).to_have_text("Relazione depositata e protocollata.")
    report = CourtReport.objects.get(case=case)
    entry = report.protocol_entry
    assert entry is not None
    assert entry.direction == ProtocolEntry.Direction.OUTGOING
    assert entry.correspondents == "Tribunale per i minorenni di Firenze"
    expect(page.locator("#report-state")).to_have_text("Depositata")
    expect(page.locator("#report-protocol")).to_contain_text(entry.display_number)
    assert PROTOCOL_NUMBER.search(page.locator("#report-protocol").inner_text())
    expect(page.get_by_role("link", name="PDF della copia per le parti")).to_be_visible()

    # The next report is due six months after the first.
    page.get_by_role("link", name="← Autorità giudiziaria della pratica").click()
    expect(page.locator("#court-deadlines")).to_contain_text(next_due.strftime("%d/%m/%Y"))
    expect(page.locator("#court-deadlines")).not_to_contain_text(first_due.strftime("%d/%m/%Y"))
    expect(page.locator("#h-reports + ul")).to_contain_text(entry.display_number)
    assert_page_healthy(page)


def test_art403_placement_with_a_late_step_escalated_to_the_coordinator(
    demo: Any, login: Login, page: Page
) -> None:
    case = factories.in_care_case(demo)
    authorities = authorities_ensure(demo)
    worker = demo.users["assistente"]
    now = timezone.now().replace(second=0, microsecond=0)
    placed_at = now - dt.timedelta(hours=120)
    # The clock with explicit times: the acts within 24 hours, the Prosecutor's request 40 hours later; the
    # validation decree was due 48 hours after the request (12 hours ago) and is not recorded.
    placement = emergency_placement_record(
        case=case,
        actor=worker,
        data=PlacementData(
            placed_at=placed_at,
            place_kind="community",
            place="Comunità di pronta accoglienza «Il Ponte», Prato",
            placing_authority="police",
            placing_authority_detail="Questura di Prato",
            reasons="Il minore è stato trovato solo in casa di notte.",
            prosecutor=authorities["pm"],
            court=authorities["tm"],
            oral_notice_at=placed_at + dt.timedelta(minutes=10),
            oral_notice_who="A.S. di turno al PM di turno",
        ),
    )
    art403_step_record(
        step=placement.steps.get(kind=StepKind.ACTS_TO_PM),
        actor=worker,
        done_at=placed_at + dt.timedelta(hours=20),
    )
    art403_step_record(
        step=placement.steps.get(kind=StepKind.PM_REQUEST),
        actor=worker,
        done_at=placed_at + dt.timedelta(hours=60),
    )
    escalated = art403_check(now=now)
    assert [e.step.kind for e in escalated] == [StepKind.VALIDATION]
    assert art403_check(now=now + dt.timedelta(minutes=5)) == []  # once
    coordinator = demo.users["coordinatore"]
    assert [m.to for m in mail.outbox] == [[coordinator.email]]

    # The social worker's clock page: three steps done, the validation late and escalated.
    login("assistente")
    _open_case(page, case)
    page.locator("#court-section").get_by_role("link", name="Collocamento d'urgenza (art. 403 c.c.)").click()
    steps = page.locator("#art403-steps")
    for kind in ("oral_notice", "acts_to_pm", "pm_request"):
        expect(steps.locator(f'tr[data-step="{kind}"]')).to_have_attribute("data-status", "done")
    validation = steps.locator('tr[data-step="validation"]')
    expect(validation).to_have_attribute("data-status", "late")
    expect(validation).to_contain_text("in ritardo")
    expect(validation).to_contain_text("segnalato al coordinatore")
    expect(steps.locator('tr[data-step="hearing"]')).to_have_attribute("data-status", "waiting")
    assert Art403Escalation.objects.count() == 1  # opening the page did not escalate it again

    # The coordinator finds it in the worklist and in the territory's court deadlines.
    login("coordinatore")
    expect(page.locator('[data-count="art403_late"]')).to_have_text("1")
    expect(worklist_section(page, "art403_late")).to_contain_text(case.code)
    page.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Scadenze giudiziarie"
    ).click()
    notices = page.locator("#art403-notices")
    expect(notices).to_contain_text(case.code)
    expect(notices).to_contain_text("Decreto di convalida del Tribunale")
    expect(page.locator("#court-deadline-list")).to_contain_text(
        "Art. 403 c.c.: Decreto di convalida del Tribunale"
    )

    # The social worker records the decree (late); the hearing is now due within 15 days.
    login("assistente")
    page.goto(f"/tribunale/403/{placement.pk}/")
    steps.locator('tr[data-step="validation"]').get_by_role("link", name="Registra").click()
    page.locator('label[for="id_outcome_0"]', has_text="Convalidato").click()
    page.get_by_role("button", name="Registra il passaggio").click()
    expect(success(page)).to_have_text("Passaggio registrato.")
    expect(page.locator("#placement-state")).to_have_text("Convalidato")
    expect(steps.locator('tr[data-step="validation"]')).to_have_attribute("data-status", "done_late")
    expect(steps.locator('tr[data-step="hearing"]')).to_have_attribute("data-status", "due")

    # The coordinator takes note: the notice leaves the worklist.
    login("coordinatore")
    page.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Scadenze giudiziarie"
    ).click()
    page.locator("#art403-notices").get_by_role("button", name="Presa visione").click()
    expect(success(page)).to_have_text("Presa visione registrata.")
    expect(page.locator("#art403-notices")).to_contain_text("Nessun termine superato.")
    page.goto("/")
    expect(page.locator('[data-count="art403_late"]')).to_have_text("0")
    assert_page_healthy(page)
