"""Tell each catalogue entry how it is delivered (what its proposal and intervention must record)."""

from django.db import migrations

DELIVERY = {
    "FM-A04": "foster",
    "FM-A10": "educational",
    "FM-A11": "educational",
    "FM-A13": "educational",
    "FM-S01": "semi_residential",
    "FM-S02": "semi_residential",
    "FM-S03": "semi_residential",
    "FM-S04": "semi_residential",
    "FM-R01": "residential",
    "FM-R02": "residential",
    "FM-R03": "residential",
    "FM-R04": "residential",
    "FM-R05": "residential",
    "FM-R06": "residential",
    "FM-T01": "contribution",
    "FM-T02": "contribution",
    "FM-T03": "contribution",
    "FM-T04": "contribution",
    "FM-T05": "contribution",
    "FM-T06": "contribution",
}


def forwards(apps, schema_editor):
    ServiceType = apps.get_model("services", "ServiceType")
    for code, delivery in DELIVERY.items():
        ServiceType.objects.filter(code=code).update(delivery=delivery)


class Migration(migrations.Migration):
    dependencies = [("services", "0004_delivery")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
