"""Audit action codes in words, for the DPO's pages and exports. A code missing here is shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # reads of personal data
    "cases.case.viewed": _("Consultazione della pratica"),
    "cases.case.searched": _("Ricerca di pratiche"),
    "documents.attachment.downloaded": _("Scaricamento di un documento"),
    "worklists.worklist.viewed": _("Consultazione dell'elenco «Da fare»"),
    "protocol.register.viewed": _("Consultazione del registro di protocollo"),
    "audit.log.viewed": _("Consultazione del registro degli accessi"),
    "audit.log.exported": _("Esportazione del registro degli accessi"),
    # login, sessions, re-authentication, emergency access (ADR 0006, 0007)
    "accounts.user.logged_in": _("Accesso al sistema"),
    "accounts.user.logged_out": _("Uscita dal sistema"),
    "accounts.user.login_failed": _("Accesso al sistema non riuscito"),
    "accounts.user.locked_out": _("Utente bloccato per troppi tentativi"),
    "accounts.user.password_changed": _("Password cambiata"),
    "accounts.user.reauthenticated": _("Conferma dell'identità"),
    "accounts.user.reauthentication_failed": _("Conferma dell'identità non riuscita"),
    "accounts.session.expired": _("Sessione scaduta"),
    "accounts.two_factor.enrolled": _("Secondo fattore attivato"),
    "accounts.two_factor.verified": _("Secondo fattore verificato"),
    "accounts.two_factor.failed": _("Secondo fattore non riuscito"),
    "accounts.two_factor.backup_code_used": _("Codice di riserva usato"),
    "accounts.two_factor.backup_codes_regenerated": _("Codici di riserva rigenerati"),
    "accounts.break_glass.opened": _("Accesso di emergenza a una pratica"),
    "accounts.break_glass.refused": _("Accesso di emergenza rifiutato"),
    "accounts.break_glass.reviewed": _("Accesso di emergenza verificato"),
    "core.field_keys.rotated": _("Rotazione delle chiavi di cifratura"),
    # intake and cases
    "intake.referral.registered": _("Registrazione di segnalazione o istanza"),
    "cases.case.opened": _("Apertura della pratica"),
    "cases.case.assigned": _("Assegnazione all'assistente sociale"),
    "cases.case.closed_no_grounds": _("Chiusura per assenza di presupposti"),
    "cases.case.taken_in_charge": _("Presa in carico"),
    "cases.case.closure_requested": _("Proposta di chiusura"),
    "cases.case.closed": _("Chiusura della pratica"),
    "cases.case.closure_rejected": _("Proposta di chiusura respinta"),
    "cases.case.reopened": _("Riapertura della pratica"),
    "cases.journal_entry.created": _("Annotazione nel diario"),
    "cases.member.added": _("Aggiunta all'équipe del caso"),
    "assessments.assessment.created": _("Valutazione registrata"),
    "assessments.social_report.filed": _("Relazione sociale depositata"),
    # people and documents
    "people.person.created": _("Registrazione di una persona"),
    "people.person.completed": _("Completamento dei dati anagrafici"),
    "people.relationship.created": _("Aggiunta di un familiare"),
    "documents.attachment.stored": _("Archiviazione di un documento"),
    # services
    "services.proposal.created": _("Proposta di intervento redatta"),
    "services.proposal.updated": _("Proposta di intervento modificata"),
    "services.proposal.submitted": _("Proposta inviata al coordinatore"),
    "services.proposal.approved": _("Proposta approvata"),
    "services.proposal.returned": _("Proposta restituita con osservazioni"),
    "services.proposal.rejected": _("Proposta respinta"),
    "services.proposal.review_started": _("Istruttoria avviata"),
    "services.proposal.authorised": _("Intervento autorizzato"),
    "services.proposal.denied": _("Intervento non autorizzato"),
    "services.proposal.outcome_acknowledged": _("Presa d'atto dell'esito"),
    "services.intervention.created": _("Intervento attivato"),
    # protocol, letters, deadlines
    "protocol.entry.registered": _("Registrazione di protocollo"),
    "protocol.entry.annulled": _("Annullamento di protocollo"),
    "notifications.communication.created": _("Comunicazione predisposta"),
    "notifications.communication.sent": _("Comunicazione inviata"),
    "deadlines.deadline.created": _("Scadenza fissata"),
    "deadlines.deadline.completed": _("Scadenza adempiuta"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
