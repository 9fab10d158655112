import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    with DATA.open(encoding="utf-8") as handle:
        rows = [
            Municipality(
                istat_code=r["istat_code"], belfiore_code=r["belfiore_code"], name=r["name"],
                province_code=r["province_code"], province_abbr=r["province_abbr"], region_name=r["region_name"],
                population=int(r["population"]) if r["population"] else None,
            )
            for r in csv.DictReader(handle)
        ]
    Municipality.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
