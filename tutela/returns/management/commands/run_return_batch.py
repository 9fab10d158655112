"""`manage.py run_return_batch ID` (or `--pending`): run queued export batches in this process (production's
runner, from cron or a worker; the demo runs them in a thread of the web process)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutela.returns.lifecycle import batch_step
from tutela.returns.models import BatchState, ReturnBatch
from tutela.returns.services import return_batch_run
from tutela.workflow import TransitionError


class Command(BaseCommand):
    help = (
        "Esegue un'esportazione in coda (o tutte con --pending); --restart rimette in coda un'esportazione "
        "non riuscita o rimasta «in corso» per l'arresto del processo. Esce con 1 se un'esportazione non riesce."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", nargs="?", type=int, help="Id dell'esportazione.")
        parser.add_argument("--pending", action="store_true", help="Tutte le esportazioni in coda.")
        parser.add_argument("--restart", action="store_true", help="Rimetti in coda prima di eseguire.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pending"] == (options["batch_id"] is not None):
            raise CommandError("Indicare l'id di un'esportazione oppure --pending.")
        if options["pending"]:
            ids = list(
                ReturnBatch.objects.filter(state=BatchState.QUEUED)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        else:
            ids = [options["batch_id"]]
        failed = [batch_id for batch_id in ids if not self.run_one(batch_id, restart=options["restart"])]
        if failed:
            raise CommandError(f"Esportazioni non riuscite: {', '.join(map(str, failed))}.")

    def run_one(self, batch_id: int, *, restart: bool) -> bool:
        if not ReturnBatch.objects.filter(pk=batch_id).exists():
            raise CommandError(f"Esportazione {batch_id} inesistente.")
        try:
            if restart:
                batch_step(
                    batch_id, "restart", actor=None, fields={"failure_reason": "", "finished_at": None}
                )
            batch = return_batch_run(batch_id=batch_id)
        except TransitionError as exc:
            raise CommandError(f"Esportazione {batch_id}: {exc.message}") from exc
        if batch.state == BatchState.FAILED:
            self.stderr.write(f"Esportazione {batch_id} non riuscita: {batch.failure_reason}")
            return False
        self.stdout.write(
            f"Esportazione {batch_id}: {batch.records_count} record, {batch.issues_count} incompleti, "
            f"{batch.get_validation_display().lower()}."
        )
        return True
