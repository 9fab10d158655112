"""Validating a flow against the official INPS schema, streaming (the file is never loaded whole).

The schemas are not shipped with Tutela: TUTELA_INPS_XSD_DIR names their folder (by default ../shared/domain/inps
beside the repository). Without them a flow is produced but reported as not validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from lxml import etree

from tutela.returns.models import ReturnKind, Validation

SCHEMA_FILES = {ReturnKind.SINBA: "SINBA.xsd", ReturnKind.SIUSS_PS: "PS_PSA_SINA201806.xsd"}
RECORD_TAGS = {
    ReturnKind.SINBA: "{http://inps.it/Casellario}SINBA",
    ReturnKind.SIUSS_PS: "{http://inps.it/Casellario}Beneficiario",
}
MAX_ERRORS = 20
# Error messages quote the offending values (a codice fiscale, a name): the stored report keeps only where.
_QUOTED_VALUE = re.compile(r"(?i)\b(value|valore)\s+'[^']*'")
_LEADING_VALUE = re.compile(r"'[^']*'(?=\s+is not)")


@dataclass
class ValidationReport:
    status: str  # a Validation value
    errors: list[str] = field(default_factory=list)
    schema: Path | None = None

    @property
    def failed(self) -> bool:
        return self.status == Validation.INVALID


def schema_path(kind: str) -> Path:
    return Path(settings.TUTELA_INPS_XSD_DIR) / SCHEMA_FILES[ReturnKind(kind)]


def schema_available(kind: str) -> bool:
    return schema_path(kind).is_file()


@cache
def _schema(path: str, mtime: float) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(path, parser))


def scrub(message: str) -> str:
    """An lxml error message without the values it quotes."""
    return _LEADING_VALUE.sub("'…'", _QUOTED_VALUE.sub(r"\1 '…'", message))


def validate_file(path: Path, kind: str) -> ValidationReport:
    """Validate the flow at `path`; UNAVAILABLE when the schema is not there."""
    xsd = schema_path(kind)
    if not xsd.is_file():
        return ValidationReport(Validation.UNAVAILABLE, schema=None)
    schema = _schema(str(xsd), xsd.stat().st_mtime)
    record_tag = RECORD_TAGS[ReturnKind(kind)]
    etree.clear_error_log()  # the log is per thread: a past parse must not speak for this file
    try:
        for _event, element in etree.iterparse(
            str(path),
            events=("end",),
            schema=schema,
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
        ):
            if element.tag == record_tag:
                # Drop what has been checked: memory stays flat however long the flow is.
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        entries = [entry for entry in exc.error_log if entry.filename in (str(path), "<string>")]
        errors = [f"riga {entry.line}: {scrub(entry.message)}" for entry in entries[:MAX_ERRORS]] or [
            scrub(str(exc))
        ]
        return ValidationReport(Validation.INVALID, errors, xsd)
    return ValidationReport(Validation.VALID, [], xsd)
