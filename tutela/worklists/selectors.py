"""The "Da fare" worklist of each role: what waits for the user now, with counts (seed 000 steps 1-6).

Every section reads at most ROWS + 1 rows in the order of an index and never counts the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.access import cases_visible_to, grants_of, has_capability, organisations_with
from tutela.accounts.roles import Cap, Role
from tutela.cases.models import Case, CaseState, Channel
from tutela.deadlines.models import Deadline
from tutela.protocol.models import ProtocolEntry
from tutela.services.models import Intervention, ProposalState, ServiceProposal

# Each section shows its first ROWS rows, most urgent first, and reads one more to know whether there are more:
# "più di 50" instead of an exact count, which at a territory's scale would read every row to show fifty.
ROWS = 50


@dataclass
class Section:
    key: str
    title: str
    kind: str  # "cases", "proposals", "entries", "interventions", "deadlines", "reminders", ...
    rows: list[Any] = field(default_factory=list)  # at most ROWS
    more: bool = False  # there are more than ROWS
    hint: str = ""
    link: str = ""  # the complete list, where there is one
    link_text: str = ""

    @property
    def count(self) -> int:
        """How many are shown: all of them unless `more`."""
        return len(self.rows)

    @property
    def count_label(self) -> str:
        return str(_("più di %(n)d") % {"n": ROWS}) if self.more else str(len(self.rows))


def _bounded(key: str, title: Any, kind: str, rows: Any, hint: Any = "", **links: str) -> Section:
    """A section from a query or list of rows in the order shown: reads at most ROWS + 1 of them."""
    first = list(rows[: ROWS + 1])
    return Section(key, str(title), kind, first[:ROWS], len(first) > ROWS, str(hint), **links)


def _with_deadlines(cases: QuerySet[Case]) -> QuerySet[Case]:
    # The next deadline shown beside each case: court ones reveal a proceeding to roles that may not read it,
    # and their owners see them in their own deadline sections.
    pending = Deadline.objects.pending().exclude(kind__in=Deadline.COURT_KINDS).order_by("due_at")
    return cases.select_related("child", "lead_social_worker", "territory").prefetch_related(
        Prefetch("deadlines", queryset=pending, to_attr="pending_deadlines")
    )


def _case_section(key: str, title: Any, cases: QuerySet[Case], hint: Any = "", state: str = "") -> Section:
    """The newest cases first, in the order of the index case_territory_opened: the database walks it and
    stops at ROWS + 1 (the cases waiting for a step are the recent ones; oldest first, it would walk the whole
    archive of the territory to reach them)."""
    link = reverse("cases:list") + (f"?stato={state}" if state else "")
    ordered = _with_deadlines(cases).order_by("-opened_at", "-pk")
    return _bounded(key, title, "cases", ordered, hint, link=link, link_text=str(_("Cerca tra le pratiche")))


def _proposal_section(key: str, title: Any, proposals: QuerySet[ServiceProposal], hint: Any = "") -> Section:
    rows = proposals.select_related("case__child", "case__lead_social_worker", "service_type").order_by(
        "submitted_at", "created_at", "pk"
    )
    return _bounded(key, title, "proposals", rows, hint)


def _proposals_visible_to(user: Any) -> QuerySet[ServiceProposal]:
    return ServiceProposal.objects.filter(case__in=cases_visible_to(user))


def _deadline_sections(user: Any) -> list[Section]:
    """Every role that reads cases: its unread reminders (when there are some), then the deadlines it answers
    for, overdue and due in the next 7 business days (tutela.deadlines.selectors)."""
    from tutela.deadlines.selectors import unread_reminders, worklist_deadlines

    if not has_capability(user, Cap.CASE_VIEW):
        return []
    sections: list[Section] = []
    reminders = _bounded(
        "reminders",
        _("Promemoria"),
        "reminders",
        unread_reminders(user),
        link=reverse("deadlines:reminders"),
        link_text=str(_("Tutti i promemoria")),
    )
    if reminders.rows:
        sections.append(reminders)
    overdue, upcoming = worklist_deadlines(user, timezone.now(), limit=ROWS)
    for key, title, rows in (
        ("deadlines_overdue", _("Scadenze superate"), overdue),
        ("deadlines_upcoming", _("Scadenze nei prossimi 7 giorni lavorativi"), upcoming),
    ):
        if rows:
            sections.append(_bounded(key, title, "deadlines", rows))
    return sections


def worklist_sections(user: Any) -> list[Section]:
    """The sections of the user's worklist, one group per role they hold."""
    roles = {g.role for g in grants_of(user)}
    visible = cases_visible_to(user)
    sections: list[Section] = _deadline_sections(user)
    if Role.PROTOCOL_OFFICER in roles:
        today = timezone.localdate()
        entries = (
            ProtocolEntry.objects.filter(
                register__organisation__in=organisations_with(user, Cap.REFERRAL_REGISTER_INDIRECT),
                registered_at__date=today,
                direction=ProtocolEntry.Direction.INCOMING,
            )
            .select_related("correspondent_organisation")
            .order_by("-number")
        )
        sections.append(
            _bounded(
                "registered_today",
                _("Registrate oggi"),
                "entries",
                entries,
                _("Segnalazioni protocollate e smistate oggi."),
            )
        )
    if Role.FRONT_OFFICE in roles:
        sections.append(
            _case_section(
                "to_assign_direct",
                _("Istanze da assegnare"),
                visible.filter(state=CaseState.REFERRED, channel=Channel.DIRECT),
                state=CaseState.REFERRED,
            )
        )
    if Role.COORDINATOR in roles:
        sections.append(
            _case_section(
                "to_assign_indirect",
                _("Segnalazioni da assegnare"),
                visible.filter(state=CaseState.REFERRED, channel=Channel.INDIRECT),
                state=CaseState.REFERRED,
            )
        )
        sections.append(
            _proposal_section(
                "to_evaluate",
                _("Proposte da valutare"),
                _proposals_visible_to(user).filter(state=ProposalState.SUBMITTED),
            )
        )
        sections.append(
            _case_section(
                "closures",
                _("Chiusure da confermare"),
                visible.filter(state=CaseState.CLOSING),
                state=CaseState.CLOSING,
            )
        )
        from tutela.court.selectors import escalated_cases

        sections.append(
            _case_section(
                "art403_late",
                _("Collocamenti d'urgenza: termini superati"),
                escalated_cases(user),
                _(
                    "Passaggi dell'art. 403 c.c. non registrati in tempo: sezione Autorità giudiziaria della pratica."
                ),
            )
        )
    if Role.SOCIAL_WORKER in roles:
        mine = visible.filter(lead_social_worker=user)
        sections.append(
            _case_section(
                "to_assess",
                _("Da valutare"),
                mine.filter(state=CaseState.ASSESSMENT),
                state=CaseState.ASSESSMENT,
            )
        )
        own_proposals = ServiceProposal.objects.filter(case__in=mine)
        sections.append(
            _proposal_section(
                "drafts",
                _("Proposte da completare o inviare"),
                own_proposals.filter(state=ProposalState.DRAFT),
            )
        )
        sections.append(
            _proposal_section(
                "to_acknowledge",
                _("Esiti da acquisire"),
                own_proposals.filter(
                    state__in=[ProposalState.AUTHORISED, ProposalState.DENIED],
                    outcome_acknowledged_at__isnull=True,
                ),
            )
        )
        sections.append(
            _case_section(
                "in_care", _("In carico"), mine.filter(state=CaseState.IN_CARE), state=CaseState.IN_CARE
            )
        )
    if Role.ADMIN_OFFICER in roles:
        proposals = _proposals_visible_to(user)
        sections.append(
            _proposal_section(
                "to_review", _("Istruttorie da avviare"), proposals.filter(state=ProposalState.APPROVED)
            )
        )
        sections.append(
            _proposal_section(
                "under_review", _("Istruttorie in corso"), proposals.filter(state=ProposalState.UNDER_REVIEW)
            )
        )
    if Role.MANAGING_BODY in roles or Role.MANAGER in roles:
        sections.append(
            _case_section(
                "new_cases",
                _("Nuovi casi del territorio"),
                visible.filter(state=CaseState.REFERRED),
                state=CaseState.REFERRED,
            )
        )
        # A semi-join on the case's own pending take-in-charge deadline (index deadline_case_kind), not a list
        # of every overdue deadline made distinct. The assignment completes that deadline, so only cases still
        # waiting for it (REFERRED) can have it pending: the walk stays within them (case_territory_state_opened).
        late = Deadline.objects.overdue(timezone.now()).filter(
            case=OuterRef("pk"), kind=Deadline.Kind.TAKE_IN_CHARGE
        )
        waiting = visible.filter(state=CaseState.REFERRED).filter(Exists(late))
        sections.append(_case_section("overdue", _("Prese in carico oltre il termine"), waiting))
    if Role.MUNICIPALITY_OFFICER in roles:
        sections.append(
            _case_section(
                "residents", _("Pratiche aperte dei residenti"), visible.exclude(state=CaseState.CLOSED)
            )
        )
        interventions = Intervention.objects.filter(case__in=visible).select_related(
            "case__child", "service_type", "paying_municipality"
        )
        sections.append(
            _bounded(
                "interventions",
                _("Interventi autorizzati"),
                "interventions",
                interventions.order_by("-created_at", "-pk"),
            )
        )
    if roles & {Role.EDUCATOR, Role.HEALTH_PROFESSIONAL}:
        sections.append(
            _case_section("involved", _("Casi in cui sei coinvolto"), visible.exclude(state=CaseState.CLOSED))
        )
    sections += _delivery_sections(user, roles, visible)
    return sections


def _delivery_sections(user: Any, roles: set[str], visible: QuerySet[Case]) -> list[Section]:
    """Seed 003 and seed 000 step 7: the provider's reports waiting for the service, the controls' follow-ups
    of the managing body, the controls waiting for the provider's reply."""
    from django.db.models import F

    from tutela.services.models import DeliveryControl, ProgressReport

    sections: list[Section] = []

    def with_case(queryset: Any) -> Any:
        return queryset.annotate(case_id=F("intervention__case_id")).select_related(
            "intervention__case__child", "intervention__service_type", "intervention__provider"
        )

    def rows(key: str, title: Any, kind: str, queryset: Any, hint: Any = "") -> Section:
        return _bounded(key, title, kind, with_case(queryset), hint)

    if Role.SOCIAL_WORKER in roles:
        reports = ProgressReport.objects.filter(
            intervention__case__in=visible.filter(lead_social_worker=user)
        )
        sections.append(
            rows(
                "reports_to_read",
                _("Relazioni di aggiornamento da leggere"),
                "progress_reports",
                reports.filter(read_by_service_at__isnull=True).order_by("submitted_at"),
            )
        )
        sections.append(
            rows(
                "reports_for_court",
                _("Relazioni da trasmettere all'autorità giudiziaria"),
                "progress_reports",
                reports.filter(for_court=True, court_protocol__isnull=True).order_by("submitted_at"),
                _(
                    "Le relazioni dell'ente erogatore destinate al tribunale le trasmette il servizio, con protocollo."
                ),
            )
        )
    # Follow-up actions always carry their due date (the text is encrypted: the database cannot test it).
    open_follow_up = DeliveryControl.objects.filter(
        follow_up_due__isnull=False, follow_up_done_at__isnull=True
    )
    if Role.MANAGING_BODY in roles:
        sections.append(
            rows(
                "control_follow_ups",
                _("Azioni conseguenti ai controlli"),
                "controls",
                open_follow_up.filter(intervention__case__in=visible).order_by("follow_up_due"),
            )
        )
    if Role.PROVIDER_COORDINATOR in roles:
        waiting = open_follow_up.filter(
            intervention__provider_id__in=organisations_with(user, Cap.EDUCATORS_ASSIGN)
        ).order_by("follow_up_due")
        # The reply is encrypted too: which controls still wait for one is read in Python, up to one more than
        # the section shows.
        unanswered = (c for c in with_case(waiting).iterator(chunk_size=ROWS * 2) if not c.provider_reply)
        sections.append(
            _bounded(
                "controls_to_answer",
                _("Controlli da riscontrare"),
                "controls",
                list(islice(unanswered, ROWS + 1)),
            )
        )
    return sections
