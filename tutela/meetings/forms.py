"""Forms of the meetings app; the services check every rule again (the forms only shape the input)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.access import can_view_confidential, cases_visible_to
from tutela.accounts.models import Organisation, Territory, User
from tutela.accounts.roles import ROLE_CAPABILITIES, Cap, Role
from tutela.cases.models import Case
from tutela.core.forms import DateInput, StyledForm
from tutela.court.models import CourtOrder
from tutela.meetings.models import (
    AutonomyPath,
    Frequency,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingParticipant,
    Room,
    SupervisedVisit,
)
from tutela.meetings.models.network import PathOutcome
from tutela.meetings.models.teams import ComplexityReason
from tutela.meetings.models.visits import CancellationReason, VisitFrequency
from tutela.meetings.services.meetings import MeetingData
from tutela.meetings.services.series import SeriesData
from tutela.meetings.services.teams import MemberData
from tutela.meetings.services.visits import ArrangementData, BookingData
from tutela.people.models import Person
from tutela.people.services import PersonData

EXTERNAL_ROWS = 3
CHILD_ROWS = 3
PROFESSIONALS = [
    Role.SOCIAL_WORKER,
    Role.COORDINATOR,
    Role.EDUCATOR,
    Role.PROVIDER_COORDINATOR,
    Role.HEALTH_PROFESSIONAL,
]


# Whoever may take part in meetings (meeting.view): invitations are offered among them.
MEETING_ROLES = [role for role, capabilities in ROLE_CAPABILITIES.items() if Cap.MEETING_VIEW in capabilities]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} — {obj.profession}" if obj.profession else name


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} — {obj.profession}" if obj.profession else name


def users_of(territory_id: int, roles: Sequence[str] | None = None) -> QuerySet[User]:
    """Active users with an active role in the territory (of those roles, when given)."""
    users = User.objects.filter(
        is_active=True, memberships__active=True, memberships__organisation__territory_id=territory_id
    )
    if roles is not None:
        users = users.filter(memberships__role__in=roles)
    return users.distinct().order_by("last_name", "first_name")


def organisations_of(territory_id: int) -> QuerySet[Organisation]:
    """The territory's organisations and the outside bodies without a territory (courts, schools, police)."""
    return Organisation.objects.filter(
        Q(territory_id=territory_id) | Q(territory__isnull=True), active=True
    ).order_by("name")


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class SlotFields(StyledForm):
    day = forms.DateField(label=_("Data"), widget=DateInput())
    start_time = forms.TimeField(label=_("Ora di inizio"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ora di fine"), widget=TimeInput())

    def slot(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        return _moment(d["day"], d["start_time"]), _moment(d["day"], d["end_time"])


# --- meetings ---------------------------------------------------------------------------------------------


class MeetingForm(SlotFields):
    kind = forms.ChoiceField(label=_("Tipo di riunione"))
    title = forms.CharField(label=_("Titolo"), max_length=200)
    room = forms.ModelChoiceField(label=_("Stanza"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(
        label=_("Luogo (se non in una stanza del servizio)"), max_length=200, required=False
    )
    users = UsersChoiceField(
        label=_("Professionisti invitati"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Enti invitati"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    agenda = forms.CharField(
        label=_("Ordine del giorno"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, territory: Territory, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [
            (k, label) for k, label in MeetingKind.choices if (k == MeetingKind.CASE_MEETING) == bool(case)
        ]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        if case is not None:
            self.fields["kind"].initial = MeetingKind.CASE_MEETING
            self.fields["kind"].widget = forms.HiddenInput()
        self.fields["room"].queryset = Room.objects.filter(territory=territory, active=True)  # type: ignore[attr-defined]
        self.fields["users"].queryset = users_of(territory.pk, MEETING_ROLES)  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = organisations_of(territory.pk)  # type: ignore[attr-defined]

    def meeting_data(self) -> MeetingData:
        d = self.cleaned_data
        starts_at, ends_at = self.slot()
        return MeetingData(
            kind=d["kind"],
            title=d["title"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=d.get("place", ""),
            room=d.get("room"),
            agenda=d.get("agenda", ""),
            users=list(d.get("users") or []),
            organisations=list(d.get("organisations") or []),
        )


class SeriesForm(StyledForm):
    kind = forms.ChoiceField(label=_("Tipo di riunione"))
    title = forms.CharField(label=_("Titolo"), max_length=200)
    frequency = forms.ChoiceField(label=_("Cadenza"), choices=Frequency.choices)
    first_on = forms.DateField(label=_("Prima riunione il"), widget=DateInput())
    until_on = forms.DateField(label=_("Ripeti fino al"), widget=DateInput())
    start_time = forms.TimeField(label=_("Ora di inizio"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ora di fine"), widget=TimeInput())
    room = forms.ModelChoiceField(label=_("Stanza"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(
        label=_("Luogo (se non in una stanza del servizio)"), max_length=200, required=False
    )
    users = UsersChoiceField(
        label=_("Professionisti invitati"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Enti invitati"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (k, label) for k, label in MeetingKind.choices if k != MeetingKind.CASE_MEETING
        ]
        self.fields["room"].queryset = Room.objects.filter(territory=territory, active=True)  # type: ignore[attr-defined]
        self.fields["users"].queryset = users_of(territory.pk, MEETING_ROLES)  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = organisations_of(territory.pk)  # type: ignore[attr-defined]

    def series_data(self) -> SeriesData:
        d = self.cleaned_data
        return SeriesData(
            kind=d["kind"],
            title=d["title"],
            frequency=d["frequency"],
            first_on=d["first_on"],
            until_on=d["until_on"],
            start_time=d["start_time"],
            end_time=d["end_time"],
            place=d.get("place", ""),
            room=d.get("room"),
            users=list(d.get("users") or []),
            organisations=list(d.get("organisations") or []),
        )


ATTENDANCE_CHOICES = MeetingParticipant.Attendance.choices


class RecordMeetingForm(StyledForm):
    """The held date, the minutes, and one present/absent choice per invited participant."""

    held_on = forms.DateField(label=_("Svolta il"), widget=DateInput())
    minutes = forms.CharField(label=_("Verbale"), widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localtime(meeting.starts_at).date()
        self.participants = list(meeting.participants.select_related("user", "organisation"))
        for participant in self.participants:
            self.fields[f"attendance_{participant.pk}"] = forms.ChoiceField(
                label=participant.display_name,
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial=participant.attendance or None,
            )

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(f"attendance_{p.pk}", "") for p in self.participants}


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(StyledForm):
    text = forms.CharField(label=_("Decisione"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    case_code = forms.CharField(
        label=_("Pratica a cui si riferisce (codice)"),
        max_length=30,
        required=False,
        help_text=_("Con un responsabile e una scadenza, la decisione diventa una scadenza della pratica."),
    )
    owner = UserChoiceField(label=_("Responsabile"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Entro il"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, meeting: Meeting, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.meeting = meeting
        if meeting.case_id is not None:
            del self.fields["case_code"]
        self.fields["owner"].queryset = users_of(meeting.territory_id, PROFESSIONALS)  # type: ignore[attr-defined]

    def clean_case_code(self) -> Case | None:
        code = self.cleaned_data.get("case_code", "").strip().upper()
        if not code:
            return None
        case = cases_visible_to(self.user).filter(code=code, territory_id=self.meeting.territory_id).first()
        if case is None:
            raise forms.ValidationError(_("Pratica non trovata tra quelle che puoi consultare."))
        return case

    def decision_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "text": d["text"],
            "case": d.get("case_code"),
            "owner": d.get("owner"),
            "due_on": d.get("due_on"),
        }


class DecisionsDoneForm(StyledForm):
    done = forms.ModelMultipleChoiceField(
        label=_("Decisioni eseguite"),
        queryset=MeetingDecision.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, decisions: QuerySet[MeetingDecision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done"].queryset = decisions  # type: ignore[attr-defined]
        self.fields["done"].initial = [d.pk for d in decisions if d.done_at is not None]


# --- micro-équipes ----------------------------------------------------------------------------------------


class ExternalMemberFields(StyledForm):
    def add_external_rows(self, territory_id: int, rows: int) -> None:
        for n in range(1, rows + 1):
            self.fields[f"external_{n}_name"] = forms.CharField(
                label=_("Professionista esterno %(n)d: nome e cognome") % {"n": n},
                max_length=150,
                required=False,
            )
            self.fields[f"external_{n}_profession"] = forms.CharField(
                label=_("Profilo professionale"), max_length=120, required=False
            )
            self.fields[f"external_{n}_organisation"] = forms.ModelChoiceField(
                label=_("Ente"), queryset=organisations_of(territory_id), required=False
            )

    def external_members(self, rows: int) -> list[MemberData]:
        d = self.cleaned_data
        members = []
        for n in range(1, rows + 1):
            name, profession = d.get(f"external_{n}_name", ""), d.get(f"external_{n}_profession", "")
            organisation = d.get(f"external_{n}_organisation")
            if name or profession or organisation:
                members.append(MemberData(profession=profession, full_name=name, organisation=organisation))
        return members


class MicroTeamForm(ExternalMemberFields):
    reason = forms.ChoiceField(label=_("Motivo"), choices=ComplexityReason.choices, widget=forms.RadioSelect)
    constituted_on = forms.DateField(label=_("Costituita il"), widget=DateInput())
    purpose = forms.CharField(label=_("Mandato della micro-équipe"), max_length=250, required=False)
    users = UsersChoiceField(
        label=_("Professionisti del servizio, dell'azienda sanitaria e degli enti erogatori"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["constituted_on"].initial = timezone.localdate()
        self.fields["users"].queryset = users_of(case.territory_id, PROFESSIONALS)  # type: ignore[attr-defined]
        self.add_external_rows(case.territory_id, EXTERNAL_ROWS)

    def members(self) -> list[MemberData]:
        users = [
            MemberData(profession=u.profession or str(_("Professionista")), user=u)
            for u in self.cleaned_data.get("users") or []
        ]
        return users + self.external_members(EXTERNAL_ROWS)


class MemberAddForm(ExternalMemberFields):
    user = UserChoiceField(label=_("Professionista di Tutela"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_of(case.territory_id, PROFESSIONALS)  # type: ignore[attr-defined]
        self.add_external_rows(case.territory_id, 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("user")) == bool(self.external_members(1)):
            raise forms.ValidationError(
                _("Scegli un professionista di Tutela oppure indica un professionista esterno.")
            )
        return data

    def member(self) -> MemberData:
        user = self.cleaned_data.get("user")
        if user is not None:
            return MemberData(profession=user.profession or str(_("Professionista")), user=user)
        return self.external_members(1)[0]


class DateOnlyForm(StyledForm):
    day = forms.DateField(label=_("Data"), widget=DateInput())

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()
        if label:
            self.fields["day"].label = label


class ComplexCaseForm(StyledForm):
    reason = forms.ChoiceField(label=_("Motivo"), choices=ComplexityReason.choices, widget=forms.RadioSelect)
    recognised_on = forms.DateField(label=_("Riconosciuto il"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recognised_on"].initial = timezone.localdate()


# --- supervised visits ------------------------------------------------------------------------------------


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        kind = getattr(obj, "kind_label", "")
        return f"{obj.full_name} ({kind})" if kind else obj.full_name


def family_of(case: Case) -> QuerySet[Person]:
    """The child's relatives recorded in the case (people.Relationship)."""
    return (
        Person.objects.filter(relationships_as_relative__child=case.child)
        .distinct()
        .order_by("surname", "given_name")
    )


class ArrangementForm(StyledForm):
    persons = PersonChoices(
        label=_("Persone ammesse a incontrare il minore"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(label=_("Cadenza"), choices=VisitFrequency.choices)
    frequency_note = forms.CharField(label=_("Precisazioni sulla cadenza"), max_length=150, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Durata di un incontro (minuti)"), initial=60, min_value=15, max_value=480
    )
    order_reference = forms.CharField(
        label=_("Provvedimento di riferimento"),
        max_length=200,
        required=False,
        help_text=_("Es. «Decreto TM Firenze n. 123/2026 del 10/03/2026»."),
    )
    starts_on = forms.DateField(label=_("Valida dal"), widget=DateInput())
    ends_on = forms.DateField(label=_("Valida fino al"), widget=DateInput(), required=False)
    notes = forms.CharField(
        label=_("Prescrizioni e note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    court_order = forms.ModelChoiceField(
        label=_("Provvedimento dell'autorità giudiziaria registrato"),
        queryset=CourtOrder.objects.none(),
        required=False,
        help_text=_(
            "Le persone ammesse devono essere tra quelle che il provvedimento indica per gli incontri."
        ),
    )

    def __init__(self, *args: Any, case: Case, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = family_of(case)  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = timezone.localdate()
        if can_view_confidential(user, case):  # court orders are a confidential section
            orders = CourtOrder.objects.filter(case=case).in_force()
            self.fields["court_order"].queryset = orders  # type: ignore[attr-defined]
        else:
            del self.fields["court_order"]

    def arrangement_data(self) -> ArrangementData:
        d = self.cleaned_data
        return ArrangementData(
            persons=list(d["persons"]),
            frequency=d["frequency"],
            frequency_note=d.get("frequency_note", ""),
            duration_minutes=d["duration_minutes"],
            order_reference=d.get("order_reference", ""),
            starts_on=d["starts_on"],
            ends_on=d.get("ends_on"),
            notes=d.get("notes", ""),
            court_order=d.get("court_order"),
        )


class BookingForm(SlotFields):
    room = forms.ModelChoiceField(label=_("Stanza"), queryset=Room.objects.none())
    supervisor = UserChoiceField(label=_("Operatore che osserva l'incontro"), queryset=User.objects.none())
    visitors = PersonChoices(
        label=_("Chi incontra il minore"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(territory_id=case.territory_id, active=True)  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = users_of(  # type: ignore[attr-defined]
            case.territory_id, [Role.EDUCATOR, Role.SOCIAL_WORKER, Role.COORDINATOR]
        )
        # The whole family is offered: the service refuses, with the reason, whoever the arrangement leaves out.
        self.fields["visitors"].queryset = family_of(case)  # type: ignore[attr-defined]

    def booking_data(self) -> BookingData:
        starts_at, ends_at = self.slot()
        d = self.cleaned_data
        return BookingData(
            room=d["room"],
            starts_at=starts_at,
            ends_at=ends_at,
            supervisor=d["supervisor"],
            visitors=list(d["visitors"]),
        )


class VisitRecordForm(StyledForm):
    child_attended = forms.BooleanField(label=_("Il minore era presente"), required=False)
    attended = PersonChoices(
        label=_("Familiari presenti"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    observations = forms.CharField(
        label=_("Osservazioni dell'operatore (riservate)"), widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, visit: SupervisedVisit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=visit.attendees.values("person_id")
        ).order_by("surname", "given_name")

    def record_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "child_attended": d["child_attended"],
            "attended": {p.pk for p in d.get("attended") or []},
            "observations": d["observations"],
        }


class VisitCancelForm(StyledForm):
    reason = forms.ChoiceField(
        label=_("Motivo"), choices=CancellationReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Precisazioni"), max_length=300, required=False)


class RoomForm(StyledForm):
    name = forms.CharField(label=_("Nome"), max_length=120)
    place = forms.CharField(label=_("Sede"), max_length=200)
    capacity = forms.IntegerField(label=_("Capienza (persone)"), min_value=2, max_value=50, initial=6)


# --- the anti-violence network ----------------------------------------------------------------------------


class NetworkForm(StyledForm):
    name = forms.CharField(label=_("Denominazione della rete"), max_length=200)
    programme = forms.CharField(label=_("Programma"), max_length=200, required=False)


class PartnerForm(StyledForm):
    organisation = forms.ModelChoiceField(label=_("Ente"), queryset=Organisation.objects.none())
    role = forms.CharField(label=_("Ruolo nella rete"), max_length=120, required=False)
    joined_on = forms.DateField(label=_("Aderente dal"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(territory.pk)  # type: ignore[attr-defined]


class AgreementForm(StyledForm):
    title = forms.CharField(label=_("Titolo dell'accordo"), max_length=250)
    approved_on = forms.DateField(label=_("Approvato il"), widget=DateInput())
    act_reference = forms.CharField(label=_("Atto di approvazione"), max_length=150)


class PathForm(StyledForm):
    woman_surname = forms.CharField(label=_("Cognome della donna"), max_length=100)
    woman_given_name = forms.CharField(label=_("Nome della donna"), max_length=100)
    woman_birth_date = forms.DateField(label=_("Data di nascita"), widget=DateInput(), required=False)
    woman_fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    referring_organisation = forms.ModelChoiceField(
        label=_("Ente che ha inviato"), queryset=Organisation.objects.none(), required=False
    )
    social_worker = UserChoiceField(label=_("Assistente sociale referente"), queryset=User.objects.none())
    started_on = forms.DateField(label=_("Avviato il"), widget=DateInput())
    notes = forms.CharField(
        label=_("Note (riservate)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, territory: Territory, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referring_organisation"].queryset = organisations_of(territory.pk)  # type: ignore[attr-defined]
        self.fields["social_worker"].queryset = users_of(territory.pk, [Role.SOCIAL_WORKER])  # type: ignore[attr-defined]
        self.fields["social_worker"].initial = user.pk
        self.fields["started_on"].initial = timezone.localdate()
        for n in range(1, CHILD_ROWS + 1):
            self.fields[f"child_{n}_surname"] = forms.CharField(
                label=_("Figlio/a %(n)d: cognome") % {"n": n}, max_length=100, required=False
            )
            self.fields[f"child_{n}_given_name"] = forms.CharField(
                label=_("Nome"), max_length=100, required=False
            )
            self.fields[f"child_{n}_birth_date"] = forms.DateField(
                label=_("Data di nascita"), widget=DateInput(), required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, CHILD_ROWS + 1):
            given = [data.get(f"child_{n}_{f}") for f in ("surname", "given_name", "birth_date")]
            if any(given) and not all(given):
                self.add_error(
                    f"child_{n}_surname", _("Per ogni figlio/a indica cognome, nome e data di nascita.")
                )
        return data

    def woman(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            surname=d["woman_surname"],
            given_name=d["woman_given_name"],
            birth_date=d.get("woman_birth_date"),
            fiscal_code=d.get("woman_fiscal_code", ""),
            sex="F",
        )

    def children(self) -> list[PersonData]:
        d = self.cleaned_data
        return [
            PersonData(
                surname=d[f"child_{n}_surname"],
                given_name=d[f"child_{n}_given_name"],
                birth_date=d[f"child_{n}_birth_date"],
            )
            for n in range(1, CHILD_ROWS + 1)
            if d.get(f"child_{n}_surname")
        ]


class PathChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s — dal %(day)s") % {
            "name": obj.woman.full_name,
            "day": obj.started_on.strftime("%d/%m/%Y"),
        }


class PathCloseForm(StyledForm):
    path = PathChoiceField(label=_("Percorso"), queryset=AutonomyPath.objects.none())
    ended_on = forms.DateField(label=_("Concluso il"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Esito"), choices=PathOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("Note (riservate)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, paths: QuerySet[AutonomyPath], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["path"].queryset = paths  # type: ignore[attr-defined]
        self.fields["ended_on"].initial = timezone.localdate()
