"""Teams and meetings (seeds 001-004): micro-équipes, meetings and series, the anti-violence network, rooms and
supervised visits."""

from tutela.meetings.models.meetings import (
    Frequency,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingParticipant,
    MeetingSeries,
)
from tutela.meetings.models.network import AutonomyPath, Network, NetworkAgreement, NetworkPartner
from tutela.meetings.models.teams import ComplexCase, MicroTeam, MicroTeamMember
from tutela.meetings.models.visits import (
    Room,
    SupervisedVisit,
    VisitArrangement,
    VisitAttendee,
    VisitState,
)

__all__ = [
    "AutonomyPath",
    "ComplexCase",
    "Frequency",
    "Meeting",
    "MeetingDecision",
    "MeetingKind",
    "MeetingParticipant",
    "MeetingSeries",
    "MicroTeam",
    "MicroTeamMember",
    "Network",
    "NetworkAgreement",
    "NetworkPartner",
    "Room",
    "SupervisedVisit",
    "VisitArrangement",
    "VisitAttendee",
    "VisitState",
]
