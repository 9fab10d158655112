"""The export batches the access matrix (tutela/accounts/tests/test_access_matrix.py) opens its pages on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from tutela.core.demo.territory import DemoTerritory
from tutela.returns.lifecycle import batch_step
from tutela.returns.models import ReturnBatch, ReturnKind, Validation
from tutela.returns.services import return_batch_verify

# Readers of the exports (returns.view), and the two bodies that prepare them (returns.export); the batches are
# Montemurlo's, the demo Comune with an officer.
RETURN_READERS = frozenset({"sds", "comune", "dirigente"})
RETURN_EXPORTERS = frozenset({"sds", "comune"})


def matrix_batch(demo: DemoTerritory, *, verified: bool = False) -> ReturnBatch:
    """A finished SINBA batch of Montemurlo with one record (verified by both bodies, or by neither); made
    once per test, found again on every later call."""
    reference_date = dt.date(2025, 6, 30) if verified else dt.date(2025, 12, 31)
    municipality = demo.municipalities["Montemurlo"]
    found = ReturnBatch.objects.filter(municipality=municipality, reference_date=reference_date).first()
    if found is not None:
        return found
    batch = ReturnBatch.objects.create(
        kind=ReturnKind.SINBA,
        territory=demo.territory,
        municipality=municipality,
        reference_date=reference_date,
        created_by=demo.users["sds"],
        created_at=timezone.now(),
    )
    batch_step(batch.pk, "start", actor=demo.users["sds"])
    batch = batch_step(
        batch.pk,
        "finish",
        actor=demo.users["sds"],
        fields={"records_count": 1, "validation": Validation.UNAVAILABLE, "finished_at": timezone.now()},
    )
    if verified:
        batch = return_batch_verify(batch=batch, actor=demo.users["sds"])
        batch = return_batch_verify(batch=batch, actor=demo.users["comune"])
    return batch


def batch_kwargs(*, verified: bool = False) -> Callable[[DemoTerritory], dict[str, int]]:
    return lambda demo: {"pk": matrix_batch(demo, verified=verified).pk}
