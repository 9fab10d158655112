"""What the interventions cost, month by month, and who pays (seed 000 step 5; seed 003: the Comune pays).

`units`: the rule for one intervention; `totals`: the same rule in SQL for many (ADR 0018); `report`: the cost
page (totals, and the interventions a page at a time); `workbook`: the XLSX for the Comuni.
"""

from tutela.services.costs.report import (
    CostGroup,
    CostPage,
    CostReport,
    InterventionCost,
    cost_municipalities,
    cost_report,
    cost_rows,
    costs_of,
    in_period,
    interventions_for_costs,
    report_interventions,
)
from tutela.services.costs.totals import CostTotals, GroupTotals, cost_totals
from tutela.services.costs.units import active_days, month_end, month_start, month_units, months_between
from tutela.services.costs.workbook import cost_workbook

__all__ = [
    "CostGroup",
    "CostPage",
    "CostReport",
    "CostTotals",
    "GroupTotals",
    "InterventionCost",
    "active_days",
    "cost_municipalities",
    "cost_report",
    "cost_rows",
    "cost_totals",
    "cost_workbook",
    "costs_of",
    "in_period",
    "interventions_for_costs",
    "month_end",
    "month_start",
    "month_units",
    "months_between",
    "report_interventions",
]
