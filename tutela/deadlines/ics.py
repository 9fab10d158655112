"""An iCalendar (RFC 5545) writer for the private deadline feed, by hand: all-day events only.

Lines end with CRLF and are folded at 75 octets (a continuation line starts with a space, and a UTF-8
character is never split); TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Tutela//Scadenze//IT"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    day: dt.date
    summary: str
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    categories: str = ""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    # Other control characters are not allowed in TEXT.
    return "".join(ch for ch in value if ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F))


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets each (RFC 5545 3.1), CRLF-terminated."""
    chunks: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for ch in line:
        octets = len(ch.encode("utf-8"))
        if size + octets > limit:
            chunks.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # the leading space of a continuation line counts
        current += ch
        size += octets
    chunks.append(current)
    return CRLF.join(chunk if index == 0 else f" {chunk}" for index, chunk in enumerate(chunks)) + CRLF


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def calendar_text(events: Iterable[IcsEvent], *, name: str, stamp: dt.datetime) -> str:
    """The whole VCALENDAR; `stamp` (aware) is every event's DTSTAMP, the moment the feed was produced."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Rome",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART;VALUE=DATE:{_date(event.day)}",
            f"DTEND;VALUE=DATE:{_date(event.day + dt.timedelta(days=1))}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"STATUS:{event.status}",
            "TRANSP:TRANSPARENT",
        ]
        if event.categories:
            lines.append(f"CATEGORIES:{escape_text(event.categories)}")
        if event.url:
            lines.append(f"URL;VALUE=URI:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
