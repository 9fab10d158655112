import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "sinba_codes.csv"


def load(apps, schema_editor):
    Code = apps.get_model("reference", "Code")
    with DATA.open(encoding="utf-8") as handle:
        rows = [
            Code(code_list=r["code_list"], code=r["code"], label=r["label"], sort_order=int(r["code"]))
            for r in csv.DictReader(handle)
        ]
    Code.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
