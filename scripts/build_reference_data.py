#!/usr/bin/env python3
"""Build Tutela's own reference files from the customer's domain sources (../shared/domain/).

Writes tutela/reference/data/sinba_codes.csv (the SINBA code lists of the INPS SINBA.xsd) and
tutela/services/data/service_types.csv (the starting service catalogue, editable afterwards by the
administrator). Run by hand when the sources change; review the diff; commit. Migrations read the outputs.
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "domain"

# (unit, FNPS macro-level, implies take-in-charge) by macro area of the nomenclatore typology.
BY_AREA = {
    "Interventi e servizi": ("hours", "1 Accesso e presa in carico", True),
    "Trasferimenti in denaro": ("months", "5 Inclusione sociale e sostegno al reddito", True),
    "Strutture semiresidenziali": ("days", "3 Prima infanzia e servizi territoriali comunitari", True),
    "Strutture residenziali": ("days", "4 Servizi residenziali per le fragilità", True),
}
HOME_SUPPORT = {"FM-A11", "FM-A12", "FM-A13"}
NOT_PROPOSABLE = {"FM-A01", "FM-A02"}  # the service's own professional work and front office


def main() -> None:
    with (
        (DOMAIN / "sinba_code_lists.csv").open(encoding="utf-8") as src,
        (ROOT / "tutela/reference/data/sinba_codes.csv").open("w", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(["code_list", "code", "label"])
        for row in csv.DictReader(src):
            writer.writerow([row["type"], row["code"], " ".join(row["label"].split())])
    with (
        (DOMAIN / "nomenclatore_famiglia_minori_INFERRED.csv").open(encoding="utf-8") as src,
        (ROOT / "tutela/services/data/service_types.csv").open("w", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(
            ["code", "name", "macro_area", "unit", "fnps_level", "implies_take_in_charge", "proposable"]
        )
        for row in csv.DictReader(src):
            unit, level, in_charge = BY_AREA.get(row["macro_area"], ("hours", "", True))
            if row["local_code"] in HOME_SUPPORT:
                level = "2 Permanenza a domicilio"
            proposable = row["local_code"] not in NOT_PROPOSABLE
            name = row["intervento"].replace(" l ", " l'").replace("genitorialita", "genitorialità")
            name = (
                name.replace("Attivita", "Attività")
                .replace("comunita", "comunità")
                .replace("Comunita", "Comunità")
            )
            writer.writerow(
                [row["local_code"], name, row["macro_area"], unit, level, int(in_charge), int(proposable)]
            )
    print("reference data written")


if __name__ == "__main__":
    main()
