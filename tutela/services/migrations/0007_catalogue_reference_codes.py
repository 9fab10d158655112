"""Fill the catalogue's reference codes from data/catalogue_reference_codes.csv.

Where the codes come from (../shared/domain, see its README):
- regional nomenclatore code: the `local_code` of nomenclatore_famiglia_minori_INFERRED.csv, the same code the
  catalogue already uses as its local code (FM-A01 ... FM-R06). Those are LOCAL placeholders built from the ISTAT
  survey glossary and the CISIS Nomenclatore 2009/2013, NOT official CISIS codes;
- FNPS macro-level: the full name of the macro-level of fnps_macrolivelli_obiettivi_servizio_INFERRED.csv
  (1 access and taking in charge, 2 staying at home, 3 early childhood and community services, 4 residential
  services, 5 inclusion and income support), with the level 0002 gave each entry, except the fees, which follow
  the service they pay for: residential fees (FM-T04) level 4, day-centre and nursery fees (FM-T05, FM-T06)
  level 3;
- SIUSS prestazione code: left empty. siuss_prestazioni_codes_seen.csv lists codes seen in a regional system
  without their labels, so no code can be matched to a service; the catalogue page offers those codes as
  suggestions and the administrative office fills them from the INPS table.

All of it is a starting point: the administrative office edits every column on the catalogue page
(/servizi/catalogo/). A value somebody already changed is left as it is.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue_reference_codes.csv"
# What 0002 wrote, so that only untouched values are replaced.
OLD_LEVELS = {
    "1 Accesso e presa in carico",
    "2 Permanenza a domicilio",
    "3 Prima infanzia e servizi territoriali comunitari",
    "4 Servizi residenziali per le fragilità",
    "5 Inclusione sociale e sostegno al reddito",
}


def forwards(apps, schema_editor):
    ServiceType = apps.get_model("services", "ServiceType")
    with DATA.open(encoding="utf-8") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    for service in ServiceType.objects.filter(code__in=rows):
        row = rows[service.code]
        changed = []
        if not service.nomenclatore_code and row["nomenclatore_code"]:
            service.nomenclatore_code = row["nomenclatore_code"]
            changed.append("nomenclatore_code")
        if (not service.fnps_level or service.fnps_level in OLD_LEVELS) and row["fnps_level"]:
            service.fnps_level = row["fnps_level"]
            changed.append("fnps_level")
        if not service.siuss_code and row["siuss_code"]:
            service.siuss_code = row["siuss_code"]
            changed.append("siuss_code")
        if changed:
            service.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("services", "0006_educator_assignment_team_member")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
