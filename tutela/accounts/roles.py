"""Roles and the capabilities they grant (DESIGN.md section 1). Scope is decided separately, in access.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROTOCOL_OFFICER = "PROTOCOL_OFFICER", _("Ufficio Protocollo")
    FRONT_OFFICE = "FRONT_OFFICE", _("Segretariato sociale")
    COORDINATOR = "COORDINATOR", _("Coordinatore professionale")
    SOCIAL_WORKER = "SOCIAL_WORKER", _("Assistente sociale")
    ADMIN_OFFICER = "ADMIN_OFFICER", _("Area amministrativa Minori")
    MANAGING_BODY = "MANAGING_BODY", _("Ente gestore (SdS)")
    MUNICIPALITY_OFFICER = "MUNICIPALITY_OFFICER", _("Referente del Comune")
    EDUCATOR = "EDUCATOR", _("Educatore")
    PROVIDER_COORDINATOR = "PROVIDER_COORDINATOR", _("Coordinatore dell'ente erogatore")
    HEALTH_PROFESSIONAL = "HEALTH_PROFESSIONAL", _("Professionista sanitario")
    MANAGER = "MANAGER", _("Dirigente")
    PRIVACY_OFFICER = "PRIVACY_OFFICER", _("Responsabile protezione dati")
    SYSADMIN = "SYSADMIN", _("Amministratore di sistema")


class Cap:
    """Capability codes: what a role may do. Which cases it may do it on is the scope's business."""

    REFERRAL_REGISTER_INDIRECT = "referral.register_indirect"
    REFERRAL_RECORD_DIRECT = "referral.record_direct"
    CASE_ASSIGN_INDIRECT = "case.assign_indirect"
    CASE_ASSIGN_DIRECT = "case.assign_direct"
    CASE_ASSESS = "case.assess"
    CASE_CONFIRM_CLOSURE = "case.confirm_closure"
    CASE_REOPEN = "case.reopen"
    CASE_VIEW = "case.view"
    JOURNAL_WRITE = "journal.write"
    FAMILY_EDIT = "family.edit"
    PROPOSAL_WRITE = "proposal.write"
    PROPOSAL_EVALUATE = "proposal.evaluate"
    PROPOSAL_REVIEW = "proposal.review"
    VIEW_CONFIDENTIAL = "case.view_confidential"
    # Court orders, duties, mandates, reports and art. 403 placements (tutela/court): lead social worker or
    # coordinator; reading them needs VIEW_CONFIDENTIAL.
    COURT_WRITE = "court.write"
    PROTOCOL_VIEW = "protocol.view"
    # Services (issue: delivery, placements, monitoring, controls, costs)
    CATALOGUE_MANAGE = "services.catalogue_manage"  # providers, contracts, rates, facilities, foster carers
    INTERVENTION_MANAGE = "intervention.manage"  # activate, suspend, resume, end; placements; PEI
    MONITORING_WRITE = "intervention.monitor"
    EDUCATORS_ASSIGN = "intervention.assign_educators"  # the provider's coordinator
    DELIVERY_RECORD = "intervention.record_delivery"  # timesheets
    PROGRESS_REPORT_WRITE = "intervention.progress_report"
    CONTROL_WRITE = "intervention.control"  # the managing body's controls on regular delivery
    COSTS_VIEW = "services.costs_view"
    MUNICIPALITY_ACKNOWLEDGE = "intervention.municipality_acknowledge"
    # Open a case outside the scope (not outside the territory) after stating a reason: DESIGN.md section 5.
    BREAK_GLASS = "case.break_glass"
    # Returns to the State (tutela/returns, seed 003): the Comune prepares them jointly with the managing body.
    RETURNS_EXPORT = "returns.export"  # start exports, download, verify for one's body, mark as sent
    RETURNS_VIEW = "returns.view"  # read the exports and their incomplete records
    # Indicators, objectives and satisfaction surveys (seeds 001, 002, 004)
    INDICATORS_VIEW = "indicators.view"  # the dashboard, its export and the objectives (reading)
    INDICATORS_MANAGE = "indicators.manage"  # objectives, phases, indicators' values, staff FTE
    SURVEYS_MANAGE = "surveys.manage"  # questionnaires, desk administrations, results
    # Teams and meetings (seeds 001-004): micro-équipes, meetings, the anti-violence network, supervised visits
    MEETING_VIEW = "meeting.view"  # the meetings one organises or is invited to
    MEETING_MANAGE = "meeting.manage"  # plan, record and cancel meetings and series; micro-équipes
    MEETING_OVERSEE = "meeting.oversee"  # every meeting of the territory, planned vs held, micro-équipe share
    VISIT_MANAGE = "visit.manage"  # supervised visits: arrangements, bookings, records, cancellations
    ROOM_MANAGE = "visit.room_manage"  # the rooms for supervised visits
    NETWORK_VIEW = "network.view"  # the anti-violence network, its agreement and autonomy paths
    NETWORK_MANAGE = "network.manage"  # partners and agreement; every autonomy path of the territory


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PROTOCOL_OFFICER: frozenset({Cap.REFERRAL_REGISTER_INDIRECT, Cap.PROTOCOL_VIEW}),
    Role.FRONT_OFFICE: frozenset({Cap.REFERRAL_RECORD_DIRECT, Cap.CASE_ASSIGN_DIRECT, Cap.CASE_VIEW}),
    Role.COORDINATOR: frozenset(
        {
            Cap.CASE_ASSIGN_INDIRECT,
            Cap.CASE_CONFIRM_CLOSURE,
            Cap.CASE_REOPEN,
            Cap.CASE_VIEW,
            Cap.PROPOSAL_EVALUATE,
            Cap.VIEW_CONFIDENTIAL,
            Cap.JOURNAL_WRITE,
            Cap.PROTOCOL_VIEW,
            Cap.BREAK_GLASS,
            Cap.INDICATORS_VIEW,
            Cap.SURVEYS_MANAGE,
        }
    ),
    Role.SOCIAL_WORKER: frozenset(
        {
            Cap.CASE_ASSESS,
            Cap.CASE_VIEW,
            Cap.JOURNAL_WRITE,
            Cap.FAMILY_EDIT,
            Cap.PROPOSAL_WRITE,
            Cap.VIEW_CONFIDENTIAL,
            Cap.BREAK_GLASS,
            Cap.INTERVENTION_MANAGE,
            Cap.MONITORING_WRITE,
        }
    ),
    Role.ADMIN_OFFICER: frozenset({Cap.PROPOSAL_REVIEW, Cap.CASE_VIEW, Cap.CATALOGUE_MANAGE, Cap.COSTS_VIEW}),
    Role.MANAGING_BODY: frozenset(
        {Cap.CASE_VIEW, Cap.CONTROL_WRITE, Cap.COSTS_VIEW, Cap.CATALOGUE_MANAGE, Cap.INDICATORS_VIEW}
    ),
    Role.MUNICIPALITY_OFFICER: frozenset({Cap.CASE_VIEW, Cap.COSTS_VIEW, Cap.MUNICIPALITY_ACKNOWLEDGE}),
    Role.EDUCATOR: frozenset(
        {Cap.CASE_VIEW, Cap.JOURNAL_WRITE, Cap.DELIVERY_RECORD, Cap.PROGRESS_REPORT_WRITE}
    ),
    Role.PROVIDER_COORDINATOR: frozenset(
        {Cap.CASE_VIEW, Cap.EDUCATORS_ASSIGN, Cap.PROGRESS_REPORT_WRITE, Cap.DELIVERY_RECORD}
    ),
    Role.HEALTH_PROFESSIONAL: frozenset(
        {Cap.CASE_VIEW, Cap.JOURNAL_WRITE, Cap.VIEW_CONFIDENTIAL, Cap.BREAK_GLASS}
    ),
    Role.MANAGER: frozenset(
        {
            Cap.CASE_VIEW,
            Cap.BREAK_GLASS,
            Cap.COSTS_VIEW,
            Cap.INDICATORS_VIEW,
            Cap.INDICATORS_MANAGE,
            Cap.SURVEYS_MANAGE,
        }
    ),
    Role.PRIVACY_OFFICER: frozenset(),
    Role.SYSADMIN: frozenset(),
}


# Teams and meetings (tutela/meetings), added to the roles above.
_MEETING_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.FRONT_OFFICE: frozenset({Cap.MEETING_VIEW}),
    Role.COORDINATOR: frozenset(
        {
            Cap.MEETING_VIEW,
            Cap.MEETING_MANAGE,
            Cap.MEETING_OVERSEE,
            Cap.VISIT_MANAGE,
            Cap.ROOM_MANAGE,
            Cap.NETWORK_VIEW,
            Cap.NETWORK_MANAGE,
        }
    ),
    Role.SOCIAL_WORKER: frozenset({Cap.MEETING_VIEW, Cap.MEETING_MANAGE, Cap.VISIT_MANAGE, Cap.NETWORK_VIEW}),
    Role.ADMIN_OFFICER: frozenset({Cap.MEETING_VIEW}),
    Role.MANAGING_BODY: frozenset(
        {
            Cap.MEETING_VIEW,
            Cap.MEETING_MANAGE,
            Cap.MEETING_OVERSEE,
            Cap.ROOM_MANAGE,
            Cap.NETWORK_VIEW,
            Cap.NETWORK_MANAGE,
        }
    ),
    Role.MUNICIPALITY_OFFICER: frozenset({Cap.MEETING_VIEW}),
    Role.EDUCATOR: frozenset({Cap.MEETING_VIEW, Cap.VISIT_MANAGE}),
    Role.PROVIDER_COORDINATOR: frozenset({Cap.MEETING_VIEW}),
    Role.HEALTH_PROFESSIONAL: frozenset({Cap.MEETING_VIEW}),
    Role.MANAGER: frozenset({Cap.MEETING_VIEW, Cap.MEETING_OVERSEE}),
}
for _role, _capabilities in _MEETING_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# Returns to the State (tutela/returns): the Comune's officer exports only its residents (residence scope).
_RETURNS_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.MANAGING_BODY: frozenset({Cap.RETURNS_EXPORT, Cap.RETURNS_VIEW}),
    Role.MUNICIPALITY_OFFICER: frozenset({Cap.RETURNS_EXPORT, Cap.RETURNS_VIEW}),
    Role.MANAGER: frozenset({Cap.RETURNS_VIEW}),
}
for _role, _capabilities in _RETURNS_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities


class Scope(models.TextChoices):
    TERRITORY = "territory", _("Territorio")
    ASSIGNED = "assigned", _("Casi assegnati o di équipe")
    RESIDENCE = "residence", _("Residenti nel Comune")
    QUEUE = "queue", _("Coda di smistamento")
    PROVIDER = "provider", _("Casi con interventi dell'ente erogatore")
    NONE = "none", _("Nessun caso")


ROLE_SCOPE: dict[str, str] = {
    Role.PROTOCOL_OFFICER: Scope.NONE,
    Role.FRONT_OFFICE: Scope.QUEUE,
    Role.COORDINATOR: Scope.TERRITORY,
    Role.SOCIAL_WORKER: Scope.ASSIGNED,
    Role.ADMIN_OFFICER: Scope.TERRITORY,
    Role.MANAGING_BODY: Scope.TERRITORY,
    Role.MUNICIPALITY_OFFICER: Scope.RESIDENCE,
    Role.EDUCATOR: Scope.ASSIGNED,
    Role.PROVIDER_COORDINATOR: Scope.PROVIDER,
    Role.HEALTH_PROFESSIONAL: Scope.ASSIGNED,
    Role.MANAGER: Scope.TERRITORY,
    Role.PRIVACY_OFFICER: Scope.NONE,
    Role.SYSADMIN: Scope.NONE,
}


# Judicial authority (tutela/court), added to the roles above.
for _role in (Role.COORDINATOR, Role.SOCIAL_WORKER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Cap.COURT_WRITE}
