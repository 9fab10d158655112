"""Protocol registrations from concurrent threads on a real SQLite file with the project's settings.

Run by test_protocol_concurrency_sqlite.py in a subprocess (its own Django, its own database file, a hard
timeout), so no test shares state with the threads. Prints one JSON line with the numbers obtained.
"""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from tutela.accounts.tests.conftest import protocol_office_setup, register_concurrently  # noqa: E402
from tutela.protocol.models import ProtocolEntry  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    register, officer = protocol_office_setup()
    errors = register_concurrently(register, officer, threads=8, each=5)
    numbers = list(
        ProtocolEntry.objects.filter(register=register, year=timezone.localdate().year)
        .order_by("number")
        .values_list("number", flat=True)
    )
    with connection.cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    print(
        json.dumps(
            {
                "errors": errors,
                "numbers": numbers,
                "journal_mode": journal_mode,
                "transaction_mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
            }
        )
    )


if __name__ == "__main__":
    main()
