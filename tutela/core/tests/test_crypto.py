"""Confidential free text encrypted at rest (ADR 0009): field, keys, legacy rows and rotation."""

from __future__ import annotations

import io
import runpy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import timezone

from tutela.assessments.models import Assessment, SocialReport
from tutela.audit.models import AuditEvent
from tutela.cases.models import Case, CaseEvent, JournalEntry
from tutela.cases.services.journal import journal_entry_add
from tutela.core import crypto
from tutela.core.fields import EncryptedTextField
from tutela.core.services import encrypted_columns
from tutela.intake.models import Referral
from tutela.services.models import AdministrativeReview, ServiceProposal
from tutela.testing import factories

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
SECRET = "Il minore riferisce maltrattamenti da parte del compagno della madre."
SETTINGS_FILE = Path(__file__).resolve().parents[3] / "config" / "settings.py"


def _raw(model: type[models.Model], field: str, pk: int) -> str:
    """The column as stored, bypassing the ORM."""
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _raw_write(model: type[models.Model], field: str, pk: int, value: str) -> None:
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk])


def _journal(case: Case, actor, text: str = SECRET) -> JournalEntry:
    return journal_entry_add(
        case=case, actor=actor, kind="home_visit", occurred_on=timezone.localdate(), text=text
    )


def _all_values() -> dict[str, list[str]]:
    """Every encrypted value, decrypted by the ORM, per column."""
    return {
        f"{model._meta.label}.{name}": sorted(model._base_manager.values_list(name, flat=True))
        for model, names in encrypted_columns().items()
        for name in names
    }


# --- the field


def test_round_trip_and_the_database_never_sees_the_text(demo, social_worker):
    entry = _journal(factories.in_care_case(demo), social_worker)

    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET
    assert JournalEntry.objects.filter(pk=entry.pk).values_list("text", flat=True).get() == SECRET
    stored = _raw(JournalEntry, "text", entry.pk)
    assert stored.startswith("v1:")
    assert "maltrattamenti" not in stored and SECRET not in stored
    assert _raw(JournalEntry, "text", _journal(entry.case, social_worker).pk) != stored  # random IV


def test_every_confidential_column_is_encrypted(demo):
    proposal = factories.proposal_in(demo, "denied")
    case = proposal.case
    closed = factories.closed_case(demo)
    stored = {
        "narrative": _raw(Referral, "narrative", case.referrals.get().pk),
        "summary": _raw(Assessment, "summary", case.assessments.get().pk),
        "facts": _raw(SocialReport, "facts", proposal.social_report_id),
        "evaluations": _raw(SocialReport, "evaluations", proposal.social_report_id),
        "motivation": _raw(ServiceProposal, "motivation", proposal.pk),
        "denial_reason": _raw(AdministrativeReview, "denial_reason", proposal.review.pk),
        "closure_note": _raw(Case, "closure_note", closed.pk),
        "note": _raw(CaseEvent, "note", next(e.pk for e in CaseEvent.objects.filter(case=case) if e.note)),
    }
    assert {name: crypto.is_token(value) for name, value in stored.items()} == dict.fromkeys(stored, True)
    assert {f"{m._meta.label}.{n}" for m, names in encrypted_columns().items() for n in names} == {
        "cases.Case.closure_note",
        "cases.CaseEvent.note",
        "cases.JournalEntry.text",
        "intake.Referral.narrative",
        "assessments.Assessment.summary",
        "assessments.SocialReport.facts",
        "assessments.SocialReport.statements",
        "assessments.SocialReport.evaluations",
        "assessments.SocialReport.proposals",
        "services.ServiceProposal.motivation",
        "services.ServiceProposal.return_reason",
        "services.ServiceProposal.rejection_reason",
        "services.AdministrativeReview.denial_reason",
        "services.FosterCarer.note",
        "services.Intervention.end_reason",
        "services.Suspension.reason",
        "services.DeliveryRecord.activity",
        "services.EducationalProject.general_objective",
        "services.EducationalProject.family_involvement",
        "services.ProjectGoal.description",
        "services.ProjectGoal.actions",
        "services.ProgressReport.text",
        "services.MonitoringEntry.text",
        "services.DeliveryControl.findings",
        "services.DeliveryControl.follow_up",
        "services.DeliveryControl.provider_reply",
        "meetings.Meeting.agenda",
        "meetings.Meeting.minutes",
        "meetings.AutonomyPath.notes",
        "meetings.VisitArrangement.notes",
        "meetings.SupervisedVisit.observations",
        "court.CourtProceeding.notes",
        "court.CourtOrder.prescriptions",
        "court.OrderMeasure.details",
        "court.CourtDuty.details",
        "court.CourtMandate.details",
        "court.CourtReportSection.text",
        "court.CourtReportSection.redacted_text",
        "court.EmergencyPlacement.place",
        "court.EmergencyPlacement.reasons",
        "court.Art403Step.note",
        "surveys.Answer.text",
    }


def test_empty_text_stays_empty(demo):
    case = factories.in_care_case(demo)

    assert _raw(Case, "closure_note", case.pk) == ""
    assert Case.objects.get(pk=case.pk).closure_note == ""


def test_lookups_other_than_isnull_are_refused(demo, social_worker):
    entry = _journal(factories.in_care_case(demo), social_worker)

    for query in (
        {"text": SECRET},
        {"text__icontains": "madre"},
        {"text__in": [SECRET]},
        {"text__lower": "x"},
    ):
        with pytest.raises(FieldError, match=r"cases\.JournalEntry\.text is encrypted at rest"):
            JournalEntry.objects.filter(**query).exists()
    assert list(JournalEntry.objects.filter(text__isnull=False, pk=entry.pk)) == [entry]
    assert JournalEntry.objects.exclude(text__isnull=True).filter(pk=entry.pk).count() == 1


@isolate_apps("tutela.core")
def test_system_check_refuses_indexes_and_ordering():
    class Note(models.Model):  # noqa: DJ008
        body = EncryptedTextField(db_index=True)
        other = EncryptedTextField()
        third = EncryptedTextField()

        class Meta:
            app_label = "core"
            ordering = ["-other"]
            indexes = [models.Index(fields=["third"], name="note_third")]

    assert {
        name: [e.id for e in Note._meta.get_field(name).check()] for name in ("body", "other", "third")
    } == {
        "body": ["core.E001"],
        "other": ["core.E002"],
        "third": ["core.E001"],
    }


# --- keys


def test_wrong_key_is_a_clear_error(demo, social_worker, settings):
    settings.TUTELA_FIELD_KEYS = [KEY_A]
    entry = _journal(factories.in_care_case(demo), social_worker)
    settings.TUTELA_FIELD_KEYS = [KEY_B]

    with pytest.raises(crypto.FieldDecryptionError, match=r"Cannot decrypt cases\.JournalEntry\.text"):
        JournalEntry.objects.get(pk=entry.pk)


def test_missing_or_malformed_key_is_a_clear_error(demo, social_worker, settings):
    entry = _journal(factories.in_care_case(demo), social_worker)

    settings.TUTELA_FIELD_KEYS = []
    with pytest.raises(crypto.FieldKeyError, match="TUTELA_FIELD_KEYS is empty"):
        JournalEntry.objects.get(pk=entry.pk)
    settings.TUTELA_FIELD_KEYS = [KEY_A, "not-a-key"]
    with pytest.raises(crypto.FieldKeyError, match="key number 2 is not a Fernet key") as error:
        JournalEntry.objects.get(pk=entry.pk)
    assert "not-a-key" not in str(error.value)  # keys never reach the logs


def _load_settings(monkeypatch, **env: str) -> dict:
    monkeypatch.setenv("TUTELA_DEBUG", "false")
    monkeypatch.setenv("TUTELA_TESTING", "false")
    monkeypatch.setenv("TUTELA_SECRET_KEY", "s" * 50)
    monkeypatch.delenv("TUTELA_FIELD_KEYS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_settings_fail_loudly_without_keys_outside_debug_and_tests(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="TUTELA_FIELD_KEYS is not set"):
        _load_settings(monkeypatch)
    with pytest.raises(ImproperlyConfigured, match="key number 2 is not urlsafe base64 of 32 bytes"):
        _load_settings(monkeypatch, TUTELA_FIELD_KEYS=f"{KEY_A},short")
    dev_key = _load_settings(monkeypatch, TUTELA_DEBUG="true")["TUTELA_DEV_FIELD_KEY"]
    with pytest.raises(ImproperlyConfigured, match="public development key"):
        _load_settings(monkeypatch, TUTELA_FIELD_KEYS=dev_key)

    loaded = _load_settings(monkeypatch, TUTELA_FIELD_KEYS=f" {KEY_B} , {KEY_A} ")
    assert loaded["TUTELA_FIELD_KEYS"] == [KEY_B, KEY_A]
    assert loaded["SECRET_KEY"] not in loaded["TUTELA_FIELD_KEYS"]


# --- legacy rows and rotation


def test_legacy_plaintext_is_read_as_is_and_encrypted_by_rotation(demo, social_worker):
    entry = _journal(factories.in_care_case(demo), social_worker)
    _raw_write(JournalEntry, "text", entry.pk, SECRET)
    lookalike = _journal(entry.case, social_worker)
    _raw_write(JournalEntry, "text", lookalike.pk, "v1: nota scritta prima della cifratura")

    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET
    assert JournalEntry.objects.get(pk=lookalike.pk).text == "v1: nota scritta prima della cifratura"

    call_command("rotate_field_keys", stdout=io.StringIO())

    assert crypto.is_token(_raw(JournalEntry, "text", entry.pk))
    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET
    assert JournalEntry.objects.get(pk=lookalike.pk).text == "v1: nota scritta prima della cifratura"
    counts = AuditEvent.objects.get(action="core.field_keys.rotated").data["columns"][
        "cases.journalentry.text"
    ]
    assert counts["encrypted"] == 2


def test_rotation_moves_everything_to_the_new_key(demo, social_worker, settings):
    settings.TUTELA_FIELD_KEYS = [KEY_A]
    proposal = factories.proposal_in(demo, "denied")
    _journal(proposal.case, social_worker)
    factories.closed_case(demo)
    before = _all_values()
    settings.TUTELA_FIELD_KEYS = [KEY_B, KEY_A]
    assert _all_values() == before  # the old key still reads, before any rotation
    with pytest.raises(CommandError, match="non sono cifrati con la prima chiave"):
        call_command("rotate_field_keys", "--check", stdout=io.StringIO())

    out = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "2", stdout=out)  # several batches per table

    settings.TUTELA_FIELD_KEYS = [KEY_B]  # the old key is gone: everything still reads
    assert _all_values() == before
    event = AuditEvent.objects.get(action="core.field_keys.rotated")
    assert (event.actor, event.data["key"], event.data["completed"]) == (
        None,
        crypto.key_fingerprint(KEY_B),
        True,
    )
    total = event.data["total"]
    assert total["reencrypted"] > 10 and total["encrypted"] == 0 and total["current"] == 0
    assert f"{total['reencrypted']} ricifrati" in out.getvalue()
    call_command("rotate_field_keys", "--check", stdout=io.StringIO())


def test_rotation_is_idempotent(demo, social_worker):
    entry = _journal(factories.in_care_case(demo), social_worker)
    call_command("rotate_field_keys", stdout=io.StringIO())
    raw = _raw(JournalEntry, "text", entry.pk)

    call_command("rotate_field_keys", stdout=io.StringIO())

    assert _raw(JournalEntry, "text", entry.pk) == raw  # untouched, not re-encrypted
    second = AuditEvent.objects.filter(action="core.field_keys.rotated").order_by("-id").first()
    assert second.data["total"]["reencrypted"] == second.data["total"]["encrypted"] == 0


def test_rotation_stops_on_a_value_no_key_opens_and_says_so(demo, social_worker, settings):
    settings.TUTELA_FIELD_KEYS = [KEY_A]
    entry = _journal(factories.in_care_case(demo), social_worker)
    settings.TUTELA_FIELD_KEYS = [KEY_B]  # KEY_A dropped too early

    with pytest.raises(CommandError, match=r"Cannot decrypt \w+\.\w+\.\w+ \(pk=\d+\): no key"):
        call_command("rotate_field_keys", stdout=io.StringIO())

    assert AuditEvent.objects.get(action="core.field_keys.rotated").data["completed"] is False
    settings.TUTELA_FIELD_KEYS = [KEY_A]
    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET  # nothing was damaged
