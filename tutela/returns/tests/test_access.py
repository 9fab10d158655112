"""Every role on the batch pages, on a batch of its Comune and on one of another (DESIGN.md section 5): out of
scope answers exactly like a missing batch and leaves no audit row."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.models import User
from tutela.accounts.tests.conftest import login
from tutela.accounts.tests.test_access_matrix import ROLES
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.returns.lifecycle import batch_step
from tutela.returns.models import ReturnBatch, ReturnKind, Validation
from tutela.returns.tests.matrix import matrix_batch

MISSING = 987654321
READERS = {"sds": {"montemurlo", "prato"}, "dirigente": {"montemurlo", "prato"}, "comune": {"montemurlo"}}
EXPORTERS = {"sds": {"montemurlo", "prato"}, "comune": {"montemurlo"}}


def _prato_batch(demo: DemoTerritory) -> ReturnBatch:
    batch = ReturnBatch.objects.create(
        kind=ReturnKind.SINBA,
        territory=demo.territory,
        municipality=demo.municipalities["Prato"],
        reference_date=dt.date(2025, 12, 31),
        created_by=demo.users["sds"],
        created_at=timezone.now(),
    )
    batch_step(batch.pk, "start", actor=demo.users["sds"])
    return batch_step(
        batch.pk,
        "finish",
        actor=demo.users["sds"],
        fields={"records_count": 3, "validation": Validation.UNAVAILABLE},
    )


def _expected(username: str, key: str, name: str) -> int:
    if name in ("returns:batch_detail", "returns:batch_status"):
        return 200 if key in READERS.get(username, set()) else 404
    if key not in EXPORTERS.get(username, set()):
        return 404
    return {"returns:batch_download": 302, "returns:batch_verify": 200, "returns:batch_mark_sent": 302}[name]


def test_batch_pages_answer_by_territory_and_comune(
    client: Client, demo: DemoTerritory, outsider: User
) -> None:
    batches = {"montemurlo": matrix_batch(demo), "prato": _prato_batch(demo)}
    names = [
        "returns:batch_detail",
        "returns:batch_status",
        "returns:batch_download",
        "returns:batch_verify",
        "returns:batch_mark_sent",
    ]
    users = {name: outsider if name == "estraneo" else demo.users[name] for name in ROLES}
    failures = []
    for username in ROLES:
        login(client, users[username])
        for name in names:
            not_found = client.get(reverse(name, kwargs={"pk": MISSING}))
            for key, batch in batches.items():
                before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
                response = client.get(reverse(name, kwargs={"pk": batch.pk}))
                expected = _expected(username, key, name)
                where = f"{username} {name} {key}"
                if response.status_code != expected:
                    failures.append(f"{where}: {response.status_code}, expected {expected}")
                elif expected == 404 and response.content != not_found.content:
                    failures.append(f"{where}: its 404 differs from a missing batch's")
                elif expected == 404 and AuditEvent.objects.filter(id__gt=before or 0).exists():
                    failures.append(f"{where}: a 404 wrote audit rows")
                elif name == "returns:batch_download" and expected == 302:
                    if not response["Location"].startswith(reverse("accounts:reauth")):
                        failures.append(f"{where}: not sent to confirm the identity")
                elif (
                    name == "returns:batch_mark_sent"
                    and expected == 302
                    and response["Location"] != reverse("returns:batch_detail", kwargs={"pk": batch.pk})
                ):
                    failures.append(f"{where}: not sent back to the batch")
    assert not failures, "\n".join(failures)


def test_the_list_shows_the_batches_in_scope(client: Client, demo: DemoTerritory) -> None:
    montemurlo, prato = matrix_batch(demo), _prato_batch(demo)
    shown = {}
    for username in ("sds", "dirigente", "comune"):
        login(client, demo.users[username])
        page = client.get(reverse("returns:home")).content.decode()
        shown[username] = {
            key
            for key, batch in (("montemurlo", montemurlo), ("prato", prato))
            if reverse("returns:batch_detail", kwargs={"pk": batch.pk}) in page
        }
        assert ("Nuova esportazione SINBA" in page) == (username in EXPORTERS)
    assert shown == READERS


def test_a_reader_cannot_act_on_a_batch(client: Client, demo: DemoTerritory) -> None:
    batch = matrix_batch(demo)
    login(client, demo.users["dirigente"])
    response = client.post(reverse("returns:batch_verify", kwargs={"pk": batch.pk}), {"confirm": "on"})
    assert response.status_code == 404
    assert ReturnBatch.objects.get(pk=batch.pk).body_verified_at is None
    assert client.get(reverse("returns:start") + "?tipo=siuss").status_code == 404
