"""One synthetic case with its referral, timeline, journal, deadlines and audit trail, as rows for COPY.

Audit events are collected as (at, actor, action, object type, object id, case id) and chained by load.py.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scripts.bench.people import PeopleGenerator, _next
from scripts.bench.population import JOURNAL_KINDS
from scripts.bench.staff import Workers
from scripts.bench.timeline import ASSESSMENT, CLOSED, CLOSING, IN_CARE, REFERRED, Plan
from scripts.bench.world import World

ROME = ZoneInfo("Europe/Rome")
DAY = dt.timedelta(days=1)
RECENT_CLOSURE = dt.timedelta(days=365)
TAKE_IN_CHARGE = "Presa in carico entro 10 giorni lavorativi dalla ricezione"
JOURNAL_COUNTS = {REFERRED: (0, 0), ASSESSMENT: (1, 2), IN_CARE: (2, 6), CLOSING: (3, 7), CLOSED: (1, 4)}
CLOSURE_REASONS = [("4", 40), ("3", 20), ("1", 8), ("2", 7), ("5", 10), ("7", 5), ("9", 10)]
EXTRA_DEADLINES = [  # kind, description, weight
    ("plan_review", "Verifica del progetto", 40),
    ("monitoring", "Monitoraggio dell'intervento", 25),
    ("court_report", "Relazione all'autorità giudiziaria", 12),
    ("other", "Visita domiciliare di verifica", 15),
    ("court_duty", "Adempimento disposto dal Tribunale per i minorenni", 8),
]
OVERDUE_SHARE = 0.5  # of the pending deadlines of a case in care
OWNED_SHARE = 0.5  # of the deadlines other than the take-in-charge one (those never have an owner)
PROPOSAL_OTHER_STATES = [("SUBMITTED", 0.04), ("DRAFT", 0.03), ("APPROVED", 0.02), ("UNDER_REVIEW", 0.02)]
AUTHORISED_SHARE = 0.6


@lru_cache(maxsize=8192)
def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=ROME).astimezone(dt.UTC)


class CaseGenerator:
    def __init__(
        self, *, world: World, rng: random.Random, now: dt.datetime, people: PeopleGenerator, tables: Any
    ):
        self.world, self.rng, self.now, self.people, self.tables = world, rng, now, people, tables
        self.ids: dict[str, int] = people.ids
        self.audit: list[tuple[Any, ...]] = []
        self.code_numbers: dict[int, int] = {}
        self.workers = Workers()
        u = world.users
        self.coordinator, self.admin_officer = u["coordinatore"], u["amministrativo"]
        self.provider = world.orgs["provider"]

    def case(self, plan: Plan) -> None:
        rng, world, t = self.rng, self.world, self.tables
        residence = rng.choices(world.comuni, weights=world.comuni_weights)[0]
        child, relatives = self.people.family(opened=plan.opened, residence=residence)
        indirect = rng.random() < 0.7
        registrar, desk = self._registrar(indirect, residence[1])
        assigner = self.coordinator if indirect else registrar
        lead = self._lead(plan)
        case_id = _next(self.ids, "case")
        reason, note = None, ""
        if plan.state == CLOSED:
            note = rng.choice(world.tokens["no_grounds" if plan.no_grounds else "closure"])
            if not plan.no_grounds:
                codes, weights = zip(*CLOSURE_REASONS, strict=True)
                reason = world.closure_reasons[rng.choices(codes, weights=weights)[0]]
        elif plan.state == CLOSING:
            note, reason = rng.choice(world.tokens["closure"]), world.closure_reasons["4"]
        t.cases.rows.append((
            case_id, self._code(plan.opened), child.id, world.territory_id, "indirect" if indirect else "direct",
            plan.state, lead, plan.assigned, residence[0], rng.random() < 0.03, plan.opened, plan.closed,
            reason, note, registrar, plan.in_care,
        ))  # fmt: skip
        audit = self.audit.append
        for person in (child, *relatives):
            audit((plan.opened, registrar, "people.person.created", "people.person", str(person.id), None))
        self._referral(case_id, plan, indirect, registrar, desk, relatives[0])
        audit((plan.opened, registrar, "cases.case.opened", "cases.case", str(case_id), case_id))
        self._event(case_id, plan.opened, registrar, "cases.case.opened", "Pratica aperta", "", REFERRED)
        self._take_in_charge(case_id, plan, assigner, registrar)
        if plan.assigned is None or lead is None:
            return
        self._assigned(case_id, plan, indirect, assigner, lead)
        self._journal(case_id, plan, lead)
        self._care(case_id, plan, lead, residence[0])
        self._closure(case_id, plan, lead)
        self._extra_deadlines(case_id, plan, lead)
        self._views(case_id, plan, lead)

    def _registrar(self, indirect: bool, comune: str) -> tuple[int, str]:
        users = self.world.users
        if indirect:
            return users["protocollo"], "protocol_office"
        if comune == "Montemurlo":
            return users["segretariato.montemurlo"], "desk_montemurlo"
        return users["segretariato"], "pass_prato"

    def _lead(self, plan: Plan) -> int | None:
        if plan.assigned is None:
            return None
        if plan.state != CLOSED:
            return self.workers.take_open()
        recent = plan.closed is not None and plan.closed > self.now - RECENT_CLOSURE
        return self.rng.choice(
            self.workers.active if recent or not self.workers.former else self.workers.former
        )

    def _code(self, opened: dt.datetime) -> str:
        year = opened.astimezone(ROME).year
        number = self.code_numbers.get(year, 0) + 1
        self.code_numbers[year] = number
        return f"{self.world.prefix}-{year}-{number:05d}"

    def _referral(
        self, case_id: int, plan: Plan, indirect: bool, registrar: int, desk: str, mother: Any
    ) -> None:
        rng, world = self.rng, self.world
        referral_id = _next(self.ids, "referral")
        received = plan.opened.astimezone(ROME).date()
        if indirect:
            org, source, org_name = rng.choices(world.senders, weights=world.sender_weights)[0]
            applicant, relation, subject = "", "", "Segnalazione di situazione di pregiudizio per un minore"
            description = f"Segnalazione registrata da {org_name}"
        else:
            org, source, org_name = None, world.direct_source, world.org_names[desk]
            applicant, relation = f"{mother.given_name} {mother.surname}", "madre"
            subject, description = (
                "Richiesta di sostegno alla genitorialità",
                f"Istanza raccolta da {org_name}",
            )
        self.tables.referrals.rows.append((
            referral_id, case_id, "indirect" if indirect else "direct", world.territory_id, source, org, applicant,
            relation, received, subject, rng.choice(world.tokens["narrative"]),
            "urgent" if rng.random() < 0.12 else "ordinary", registrar, world.orgs[desk], plan.opened,
        ))  # fmt: skip
        self._event(case_id, plan.opened, registrar, "intake.referral.registered", description, "", "")
        self.audit.append(
            (
                plan.opened,
                registrar,
                "intake.referral.registered",
                "intake.referral",
                str(referral_id),
                case_id,
            )
        )

    def _event(
        self,
        case_id: int,
        at: dt.datetime,
        actor: int,
        code: str,
        text: str,
        old: str,
        new: str,
        note: str = "",
    ) -> None:
        self.tables.events.rows.append(
            (_next(self.ids, "event"), case_id, at, actor, code, text, old, new, note)
        )

    def _deadline(
        self, case_id: int, kind: str, text: str, due: dt.datetime, created: dt.datetime, actor: int, *,
        owner: int | None = None, done: tuple[dt.datetime, int] | None = None, cancelled: dt.datetime | None = None,
    ) -> None:  # fmt: skip
        deadline_id = _next(self.ids, "deadline")
        done_at, done_by = done or (None, None)
        self.tables.deadlines.rows.append(
            (deadline_id, case_id, kind, text, due, owner, done_at, done_by, cancelled, created)
        )
        self.audit.append(
            (created, actor, "deadlines.deadline.created", "deadlines.deadline", str(deadline_id), case_id)
        )
        if done_at is not None:
            completed = (
                done_at,
                done_by,
                "deadlines.deadline.completed",
                "deadlines.deadline",
                str(deadline_id),
                case_id,
            )
            self.audit.append(completed)

    def _take_in_charge(self, case_id: int, plan: Plan, assigner: int, registrar: int) -> None:
        due = end_of_day(plan.opened.astimezone(ROME).date() + 14 * DAY)
        done = (plan.assigned, assigner) if plan.assigned is not None else None
        self._deadline(case_id, "take_in_charge", TAKE_IN_CHARGE, due, plan.opened, registrar, done=done)

    def _assigned(self, case_id: int, plan: Plan, indirect: bool, assigner: int, lead: int) -> None:
        at = plan.assigned
        assert at is not None
        name = self.world.names.get(lead) or self.workers.names[lead]
        code = "cases.case.assign_indirect" if indirect else "cases.case.assign_direct"
        text = f"Pratica assegnata all'assistente sociale {name}"
        self._event(case_id, at, assigner, code, text, REFERRED, ASSESSMENT)
        self.audit.append((at, assigner, "cases.case.assigned", "cases.case", str(case_id), case_id))
        first, last = self.ids["relationship"] - 1, self.ids["relationship"]
        for relationship in (first, last):
            created = (min(at + DAY * self.rng.uniform(0, 7), plan.last), lead, "people.relationship.created")
            self.audit.append((*created, "people.relationship", str(relationship), case_id))

    def _journal(self, case_id: int, plan: Plan, lead: int) -> None:
        rng = self.rng
        low, high = JOURNAL_COUNTS[plan.state]
        start = plan.assigned or plan.opened
        span = (plan.last - start) / DAY
        kinds, weights = zip(*JOURNAL_KINDS, strict=True)
        for _ in range(rng.randint(low, high)):
            at = start + DAY * rng.uniform(0, span)
            entry_id = _next(self.ids, "journal")
            kind = rng.choices(kinds, weights=weights)[0]
            text = rng.choice(self.world.tokens["journal"])
            self.tables.journal.rows.append(
                (entry_id, case_id, kind, at.astimezone(ROME).date(), text, rng.random() < 0.08, lead, at)
            )
            self.audit.append(
                (at, lead, "cases.journal_entry.created", "cases.journalentry", str(entry_id), case_id)
            )

    def _care(self, case_id: int, plan: Plan, lead: int, comune: int) -> None:
        """The assessment, the social report and, for most cases in care, an authorised intervention."""
        if plan.no_grounds:
            self._assessment(case_id, plan.last, lead, grounds=False)
            return
        if plan.in_care is None:
            return
        self._assessment(case_id, plan.in_care - dt.timedelta(hours=2), lead, grounds=True)
        state = "AUTHORISED" if self.rng.random() < AUTHORISED_SHARE else None
        if state is None and plan.state == IN_CARE:
            draw = self.rng.random()
            for other, share in PROPOSAL_OTHER_STATES:
                if draw < share:
                    state = other
                    break
                draw -= share
        report_id = self._report(
            case_id, plan.in_care - dt.timedelta(hours=1), lead, with_outcome=state is not None
        )
        self._event(
            case_id,
            plan.in_care,
            lead,
            "cases.case.take_in_charge",
            "Minore preso in carico",
            ASSESSMENT,
            IN_CARE,
        )
        self.audit.append(
            (plan.in_care, lead, "cases.case.taken_in_charge", "cases.case", str(case_id), case_id)
        )
        if state is not None:
            from scripts.bench.services import proposal_add

            proposal_add(
                self, case_id=case_id, plan=plan, lead=lead, comune=comune, report_id=report_id, state=state
            )

    def _assessment(self, case_id: int, at: dt.datetime, lead: int, *, grounds: bool) -> None:
        rng, world = self.rng, self.world
        assessment_id = _next(self.ids, "assessment")
        summary = rng.choice(world.tokens["assessment" if grounds else "no_grounds"])
        self.tables.assessments.rows.append((
            assessment_id, case_id, grounds, rng.choice(world.child_problems), rng.choice(world.family_problems),
            summary, lead, at,
        ))  # fmt: skip
        self.audit.append(
            (
                at,
                lead,
                "assessments.assessment.created",
                "assessments.assessment",
                str(assessment_id),
                case_id,
            )
        )

    def _report(self, case_id: int, at: dt.datetime, lead: int, *, with_outcome: bool) -> int:
        rng, tokens = self.rng, self.world.tokens
        report_id = _next(self.ids, "report")
        kind = "with_outcome" if with_outcome else "professional"
        self.tables.reports.rows.append((
            report_id, case_id, self.ids["assessment"], kind, rng.choice(tokens["facts"]),
            rng.choice(tokens["statements"]), rng.choice(tokens["evaluations"]), lead, at,
        ))  # fmt: skip
        text = "con esito verso un servizio" if with_outcome else "di sola attività professionale"
        self._event(
            case_id,
            at,
            lead,
            "assessments.social_report.filed",
            f"Relazione sociale depositata ({text})",
            "",
            "",
        )
        self.audit.append(
            (at, lead, "assessments.social_report.filed", "assessments.socialreport", str(report_id), case_id)
        )
        return report_id

    def _closure(self, case_id: int, plan: Plan, lead: int) -> None:
        audit, tokens = self.audit.append, self.world.tokens
        if plan.no_grounds and plan.closed is not None:
            note = self.rng.choice(tokens["no_grounds"])
            text = "Pratica chiusa: non sussistono i presupposti"
            self._event(
                case_id, plan.closed, lead, "cases.case.close_no_grounds", text, ASSESSMENT, CLOSED, note
            )
            audit((plan.closed, lead, "cases.case.closed_no_grounds", "cases.case", str(case_id), case_id))
            return
        if plan.closing is not None:
            note = self.rng.choice(tokens["closure"])
            text = "Chiusura proposta al coordinatore"
            self._event(
                case_id, plan.closing, lead, "cases.case.request_closure", text, IN_CARE, CLOSING, note
            )
            audit((plan.closing, lead, "cases.case.closure_requested", "cases.case", str(case_id), case_id))
        if plan.closed is not None:
            coordinator = self.coordinator
            self._event(
                case_id,
                plan.closed,
                coordinator,
                "cases.case.confirm_closure",
                "Chiusura confermata",
                CLOSING,
                CLOSED,
            )
            audit((plan.closed, coordinator, "cases.case.closed", "cases.case", str(case_id), case_id))

    def _extra_deadlines(self, case_id: int, plan: Plan, lead: int) -> None:
        """Reviews, monitoring and court deadlines: done in the past, pending (often overdue) while open."""
        rng, now = self.rng, self.now
        if plan.no_grounds:
            return
        start = plan.in_care or plan.assigned
        assert start is not None
        end = plan.closing or now
        done_count, pending = {IN_CARE: (rng.randint(0, 2), 2), CLOSING: (1, 1), ASSESSMENT: (0, 1)}.get(
            plan.state, (rng.randint(1, 3), 0)
        )
        kinds, texts, weights = zip(*EXTRA_DEADLINES, strict=True)
        for index in range(done_count + pending):
            i = rng.choices(range(len(kinds)), weights=weights)[0]
            kind, text = kinds[i], texts[i]
            if plan.state == ASSESSMENT:
                kind, text = "other", "Completare la valutazione"
            owner = lead if rng.random() < OWNED_SHARE else None
            created = start + (end - start) * rng.random() * 0.5
            if index < done_count:
                due = created + (end - created) * rng.random()
                done = (min(due + DAY * rng.uniform(-5, 2), end), lead)
                self._deadline(
                    case_id,
                    kind,
                    text,
                    end_of_day(due.astimezone(ROME).date()),
                    created,
                    lead,
                    owner=owner,
                    done=done,
                )
                continue
            share = 0.5 if plan.state == ASSESSMENT else OVERDUE_SHARE
            due = now - DAY * rng.uniform(1, 120) if rng.random() < share else now + DAY * rng.uniform(1, 90)
            due = max(due, created + DAY)
            self._deadline(
                case_id, kind, text, end_of_day(due.astimezone(ROME).date()), created, lead, owner=owner
            )

    def _views(self, case_id: int, plan: Plan, lead: int) -> None:
        """Reads of the case page, by its social worker mostly, its coordinator sometimes."""
        rng = self.rng
        start, span = plan.opened, (plan.last - plan.opened) / DAY
        for _ in range(rng.randint(0, 1)):
            reader = lead if rng.random() < 0.8 else self.coordinator
            at = start + DAY * rng.uniform(0, span + 1)
            self.audit.append(
                (min(at, self.now), reader, "cases.case.viewed", "cases.case", str(case_id), case_id)
            )


CASE_COLUMNS = (
    "id", "code", "child_id", "territory_id", "channel", "state", "lead_social_worker_id", "assigned_at",
    "paying_municipality_id", "confidential", "opened_at", "closed_at", "closure_reason_id", "closure_note",
    "created_by_id", "in_care_since",
)  # fmt: skip
REFERRAL_COLUMNS = (
    "id", "case_id", "channel", "territory_id", "source_id", "sender_organisation_id", "applicant_name",
    "applicant_relationship", "received_on", "subject", "narrative", "urgency", "registered_by_id",
    "registered_by_organisation_id", "registered_at",
)  # fmt: skip
EVENT_COLUMNS = ("id", "case_id", "at", "actor_id", "code", "description", "from_state", "to_state", "note")
JOURNAL_COLUMNS = ("id", "case_id", "kind", "occurred_on", "text", "confidential", "author_id", "created_at")
DEADLINE_COLUMNS = (
    "id", "case_id", "kind", "description", "due_at", "owner_id", "done_at", "done_by_id", "cancelled_at",
    "created_at",
)  # fmt: skip
ASSESSMENT_COLUMNS = (
    "id", "case_id", "grounds", "child_problem_id", "family_problem_id", "summary", "assessed_by_id", "assessed_at",
)  # fmt: skip
REPORT_COLUMNS = (
    "id", "case_id", "assessment_id", "kind", "facts", "statements", "evaluations", "author_id", "filed_at",
)  # fmt: skip
HOURS = Decimal("6.0")
