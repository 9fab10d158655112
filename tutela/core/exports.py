"""Exports shared by every app: CSV and XLSX responses whose cells a spreadsheet never runs as formulas.

A cell beginning with = + - @ (or a tab or carriage return, which some spreadsheets skip before those) is read
as a formula: CSV/formula injection (OWASP). Every exported text value passes through `spreadsheet_safe`,
which also shows bidirectional controls as "[U+202E]", so that no cell reads as another (ADR 0010).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tutela.core.bidi import bidi_escape

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what a spreadsheet set to Italian expects (the comma is the decimal separator)
XLSX_MAX_ROWS = 1_048_575  # the sheet's limit, less the header
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value: Any) -> Any:
    """The value, with a leading apostrophe when it is text a spreadsheet would take for a formula, and its
    bidirectional controls as visible markers."""
    if not isinstance(value, str):
        return value
    value = bidi_escape(value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value: Any, *, xlsx: bool = False) -> Any:
    """A value a cell can hold: local naive time (spreadsheets have no time zones), text made safe."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    if isinstance(value, bool | int | float | dt.date):
        return value
    text = str(value)
    if xlsx:  # control characters make an invalid file; removed before the check, so none hides a formula
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return spreadsheet_safe(text)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download streamed row by row (UTF-8 with BOM, so that spreadsheets read the accents)."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([spreadsheet_safe(str(h)) for h in header])
        for row in rows:
            values = [_cell(v) for v in row]
            yield writer.writerow(
                [v.strftime("%d/%m/%Y %H:%M:%S") if isinstance(v, dt.datetime) else v for v in values]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    """An XLSX download, written row by row to a temporary file (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append([spreadsheet_safe(str(h)) for h in header])
    for count, row in enumerate(rows, start=1):
        if count > XLSX_MAX_ROWS:
            raise ValueError("too many rows for one sheet")
        worksheet.append([_cell(v, xlsx=True) for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, and closing deletes it)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
