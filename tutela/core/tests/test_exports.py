"""Exported cells are never run as formulas by a spreadsheet (CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import cast

import pytest
from openpyxl import load_workbook

from tutela.core.exports import csv_response, spreadsheet_safe, xlsx_response


@pytest.mark.parametrize(
    "value", ["=1+1", "+39 055 123", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Rossi", "", " =spazio prima", "a=b", "'già protetto", 42, -3, 1.5, None])
def test_anything_else_is_left_alone(value: object) -> None:
    assert spreadsheet_safe(value) == value


ROWS = [("=1+1", -3, dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC), None), ("\x01=2+2", "@x", "ok", "-")]


def test_csv_cells_are_safe() -> None:
    response = csv_response("prova", ["=intestazione", "b", "c", "d"], ROWS)
    text = b"".join(cast(Iterator[bytes], response.streaming_content)).decode("utf-8-sig")
    assert text.splitlines() == [
        "'=intestazione;b;c;d",
        "'=1+1;-3;01/03/2026 10:30:00;",  # local time (Europe/Rome)
        "\x01=2+2;'@x;ok;'-",
    ]


def test_xlsx_cells_are_text_and_control_characters_cannot_hide_a_formula() -> None:
    response = xlsx_response("prova", "Foglio", ["a", "b", "c", "d"], ROWS)
    sheet = load_workbook(io.BytesIO(b"".join(cast(Iterator[bytes], response.streaming_content)))).active
    first, second = list(sheet.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in first[:2]] == [("'=1+1", "s"), (-3, "n")]
    assert first[2].value == dt.datetime(2026, 3, 1, 10, 30)
    assert [c.value for c in second] == ["'=2+2", "'@x", "ok", "'-"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
