"""The cost report as an XLSX for the Comuni: one row per intervention and month, the totals per Comune and per
service, and each intervention's budget against its cost to date. Text never runs as a formula
(core.exports.spreadsheet_safe); the rows are written as they are computed, a chunk at a time."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tutela.core.exports import spreadsheet_safe
from tutela.services.costs.report import CostGroup, CostReport, InterventionCost
from tutela.services.costs.units import ZERO


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _append(sheet: Any, values: Iterable[Any]) -> None:
    sheet.append([_cell(v) for v in values])


DETAIL_HEADER = [
    gettext_lazy("Mese"),
    gettext_lazy("Comune che sostiene la spesa"),
    gettext_lazy("Pratica"),
    gettext_lazy("Servizio"),
    gettext_lazy("Codice SIUSS"),
    gettext_lazy("Ente erogatore"),
    gettext_lazy("Unità di misura"),
    gettext_lazy("Quantità"),
    gettext_lazy("Costo unitario (€)"),
    gettext_lazy("Costo (€)"),
]
BUDGET_HEADER = [
    gettext_lazy("Pratica"),
    gettext_lazy("Servizio"),
    gettext_lazy("Comune che sostiene la spesa"),
    gettext_lazy("Stato"),
    gettext_lazy("Importo autorizzato (€)"),
    gettext_lazy("Speso a oggi (€)"),
    gettext_lazy("Residuo (€)"),
]


def cost_workbook(report: CostReport, rows: Iterable[InterventionCost]) -> IO[bytes]:
    """The report's workbook, with `rows` (every intervention of the report, services.costs.cost_rows)."""
    book = Workbook(write_only=True)
    detail = book.create_sheet(title=_("Dettaglio mensile")[:31])
    _append(detail, DETAIL_HEADER)
    _group_sheet(book, _("Per Comune"), _("Comune"), report.by_municipality, report.months)
    _group_sheet(book, _("Per servizio"), _("Servizio"), report.by_service, report.months)
    budget = book.create_sheet(title=_("Impegnato e speso")[:31])
    _append(budget, BUDGET_HEADER)
    for row in rows:
        _detail_rows(detail, row, report.months)
        i = row.intervention
        _append(
            budget,
            [
                i.case.code,
                i.service_type.name,
                i.paying_municipality.name,
                i.get_state_display(),
                row.budget,
                row.spent_to_date,
                row.residual,
            ],
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it, and closing deletes it)
    book.save(handle)
    handle.seek(0)
    return handle


def _detail_rows(sheet: Any, row: InterventionCost, months: list[dt.date]) -> None:
    i = row.intervention
    for month in months:
        quantity = row.units.get(month, ZERO)
        if not quantity:
            continue
        _append(
            sheet,
            [
                month.strftime("%m/%Y"),
                i.paying_municipality.name,
                i.case.code,
                i.service_type.name,
                i.service_type.siuss_code,
                i.provider.name if i.provider else "",
                i.service_type.get_unit_display(),
                quantity,
                row.unit_cost,
                row.cost(month),
            ],
        )


def _group_sheet(book: Any, title: str, label: str, groups: list[CostGroup], months: list[dt.date]) -> None:
    sheet = book.create_sheet(title=title[:31])
    _append(sheet, [label, _("Interventi"), *(m.strftime("%m/%Y") for m in months), _("Totale (€)")])
    for group in groups:
        _append(sheet, [group.label, group.interventions, *group.cells, group.total])
