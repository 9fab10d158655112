import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "service_types.csv"


def load(apps, schema_editor):
    ServiceType = apps.get_model("services", "ServiceType")
    with DATA.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            ServiceType.objects.get_or_create(
                code=r["code"],
                defaults={
                    "name": r["name"], "macro_area": r["macro_area"], "unit": r["unit"], "fnps_level": r["fnps_level"],
                    "implies_take_in_charge": r["implies_take_in_charge"] == "1", "proposable": r["proposable"] == "1",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
