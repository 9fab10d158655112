"""Confidential means confidential on every path (ADR 0017).

1. Every free-text column of every Tutela model has a confidentiality class (read from the models: a new field
   without one fails here).
2. A unique marker is planted in every non-ordinary free text of every row of the access matrix's world (cases in
   every scope with their referrals, assessments, reports, proposals, interventions, court acts, meetings, visits
   and the educational service's objects); then every page of the access matrix is read as every role, and a
   marker found in a page, an export or a feed that its role may not read fails the test, naming the field.
   Readers of confidential, court and clinical text are the roles with view_confidential on the case.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.tests.conftest import World, login
from tutela.accounts.tests.test_access_matrix import (
    CONFIDENTIAL_READERS,
    MATRIX,
    OUTSIDER,
    ROLES,
    CaseScoped,
    Page,
    _targets,
    _urls,
)
from tutela.cases.models import Case, CaseEvent
from tutela.core.confidentiality import (
    AUTHORS,
    FIELD_CLASSES,
    ROW_CLASSES,
    STRUCTURED,
    Secrecy,
    is_free_text,
    secrecy_of,
)
from tutela.core.demo.territory import DemoTerritory
from tutela.deadlines.services import calendar_feed_token_issue

MARKER = re.compile(r"zq(\d{6})qz")
# Keys of the world whose pages are read: in and out of each role's scope, open and closed.
KEYS = ("mine", "other", "direct", "closing", "closed")


def _tutela_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("tutela.")]


def test_every_free_text_has_a_class() -> None:
    found = {
        m._meta.label: {f.name for f in m._meta.get_fields() if is_free_text(f)} for m in _tutela_models()
    }
    missing = sorted(
        f"{label}.{name}"
        for label, names in found.items()
        for name in names - set(FIELD_CLASSES.get(label, {}))
    )
    stale = sorted(
        f"{label}.{name}"
        for label, fields in FIELD_CLASSES.items()
        for name in fields
        if name not in found.get(label, set())
    )
    assert not missing, (
        f"Free-text fields without a confidentiality class (core/confidentiality.py): {missing}"
    )
    assert not stale, f"Classes for fields that are not free text or no longer exist: {stale}"
    valid = {*Secrecy.values, STRUCTURED}
    assert all(c in valid for fields in FIELD_CLASSES.values() for c in fields.values())
    for label, field in ROW_CLASSES:
        assert field in FIELD_CLASSES[label]


def test_a_note_is_classed_by_its_row() -> None:
    event = CaseEvent(note="x", note_class=Secrecy.ORDINARY)
    assert secrecy_of(event, "note") == Secrecy.ORDINARY
    event.note_class = Secrecy.COURT
    assert secrecy_of(event, "note") == Secrecy.COURT


# --- planting ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    label: str
    field: str
    pk: int
    secrecy: str
    case_id: int | None
    author_id: int | None  # who wrote it reads it (core.confidentiality.AUTHORS)

    def __str__(self) -> str:
        return f"{self.label}.{self.field} ({self.secrecy}) #{self.pk}"


def _case_path(model: type[models.Model], depth: int = 4) -> str | None:
    """The lookup from a model to its case (`case`, `intervention__case`, ...), the shortest; None without one."""
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _ in range(depth):
        following: list[tuple[type[models.Model], str]] = []
        for current, path in frontier:
            for field in current._meta.get_fields():
                if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
                    continue
                target = field.related_model
                step = f"{path}__{field.name}" if path else field.name
                if target is Case:
                    return step
                if isinstance(target, type) and target._meta.app_label != "accounts":
                    following.append((target, step))
        frontier = following
    return None


def _plant(model: type[models.Model], start: int) -> list[Planted]:
    """A marker in each non-ordinary free text (classed by field or by row) of every row of the model."""
    label = model._meta.label
    fields = [
        name
        for name, secrecy in FIELD_CLASSES.get(label, {}).items()
        if secrecy not in (Secrecy.ORDINARY, STRUCTURED) or (label, name) in ROW_CLASSES
    ]
    if not fields:
        return []
    path = _case_path(model)
    planted: list[Planted] = []
    for obj in model.objects.all():
        case_id = obj.pk if model is Case else (_case_id(model, obj.pk, path) if path else None)
        values: dict[str, str] = {}
        for name in fields:
            secrecy = secrecy_of(obj, name)
            if secrecy == Secrecy.ORDINARY:
                continue
            number = start + len(planted)
            values[name] = f"zq{number:06d}qz"
            author = AUTHORS.get((label, name))
            planted.append(
                Planted(label, name, obj.pk, secrecy, case_id, getattr(obj, author) if author else None)
            )
        if values:
            model.objects.filter(pk=obj.pk).update(**values)  # the test's own write: no act to audit
    return planted


def _case_id(model: type[models.Model], pk: int, path: str) -> int | None:
    return model.objects.filter(pk=pk).values_list(f"{path}__pk", flat=True).first()


def _plant_everywhere() -> dict[int, Planted]:
    planted: list[Planted] = []
    for model in _tutela_models():
        planted += _plant(model, len(planted))
    return {i: p for i, p in enumerate(planted)}


# --- reading ----------------------------------------------------------------------------------------------------


def _texts(response: Any) -> Iterator[str]:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            for name in book.namelist():
                yield book.read(name).decode("utf-8", "replace")
    elif content_type.startswith(("text/", "application/json", "application/xml")):
        yield body.decode("utf-8", "replace")


def _pages(world: World, demo: DemoTerritory, username: str) -> Iterator[tuple[str, str]]:
    """(name, url) of every page of the access matrix the user may GET: case pages on the world's cases, pages
    outside a case for the roles they are open to, and the user's private calendar feed."""
    token = calendar_feed_token_issue(actor=demo.users[username])
    yield "deadlines:feed", reverse("deadlines:feed", kwargs={"token": token})
    for name, row in MATRIX.items():
        if isinstance(row, CaseScoped):
            if row.method != "get":
                continue
            for key in KEYS:
                for _label, pk, _confidential in _targets(world, row, key):
                    for _slug, url in _urls(name, row, pk):
                        yield name, url
        elif isinstance(row, Page) and username in row.allowed and not row.reauth:
            kwargs = row.kwargs(demo) if row.kwargs else None
            yield name, reverse(name, kwargs=kwargs) + row.query


@pytest.fixture
def planted_world(demo: DemoTerritory, world: World) -> tuple[World, dict[int, Planted]]:
    # Build every object the matrix reaches before planting, so each carries its markers.
    for _name, row in MATRIX.items():
        if isinstance(row, CaseScoped):
            for key in KEYS:
                _targets(world, row, key)
    return world, _plant_everywhere()


def test_the_world_carries_every_kind_of_confidential_text(
    planted_world: tuple[World, dict[int, Planted]],
) -> None:
    """The pages are read with a marker in each of these: a new kind of confidential text that the world does
    not build shows up here, to be added to the world."""
    _world, planted = planted_world
    kinds = {(p.label, p.field) for p in planted.values()}
    expected = {
        ("cases.CaseEvent", "note"),
        ("cases.JournalEntry", "text"),
        ("intake.Referral", "narrative"),
        ("assessments.Assessment", "summary"),
        ("assessments.SocialReport", "facts"),
        ("assessments.SocialReport", "evaluations"),
        ("court.CourtOrder", "number"),
        ("court.CourtReportSection", "text"),
        ("meetings.Meeting", "minutes"),
    }
    assert expected <= kinds, sorted(expected - kinds)


@pytest.mark.parametrize("username", [r for r in ROLES if r != OUTSIDER])
def test_no_marker_reaches_a_role_that_may_not_read_its_class(
    client: Client, demo: DemoTerritory, planted_world: tuple[World, dict[int, Planted]], username: str
) -> None:
    world, planted = planted_world
    user = demo.users[username]
    login(client, user)
    leaks: dict[str, set[str]] = {}
    read = 0
    for name, url in _pages(world, demo, username):
        response = client.get(url)
        if response.status_code != 200:
            continue
        read += 1
        for text in _texts(response):
            for number in MARKER.findall(text):
                mark = planted.get(int(number))
                if mark is None or mark.secrecy == Secrecy.ORDINARY:
                    continue
                if username not in CONFIDENTIAL_READERS and mark.author_id != user.pk:
                    leaks.setdefault(str(mark), set()).add(name)
    assert read > 1
    assert not leaks, f"{username} reads text it may not: " + "; ".join(
        f"{mark} on {sorted(names)}" for mark, names in sorted(leaks.items())
    )


def test_no_marker_leaves_in_an_e_mail_to_who_may_not_read_it(
    demo: DemoTerritory, planted_world: tuple[World, dict[int, Planted]], mailoutbox: list[Any]
) -> None:
    """Reminders, escalations and the art. 403 alerts, sent after the markers are planted: a message to anyone
    who is not a reader of confidential sections carries only ordinary text."""
    _world, planted = planted_world
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        call_command("check_art403", stdout=io.StringIO())
    assert mailoutbox, "the world's deadlines must send reminders"
    readers = {demo.users[name].email for name in CONFIDENTIAL_READERS}
    leaks = []
    for message in mailoutbox:
        if set(message.to) <= readers:
            continue
        for number in MARKER.findall(f"{message.subject}\n{message.body}"):
            mark = planted.get(int(number))
            if mark is not None and mark.secrecy != Secrecy.ORDINARY:
                leaks.append(f"{mark} to {message.to}")
    assert not leaks, leaks
