"""Many reports → one: the county's figures as the sum of its units' tables (texts left empty).

Only entered input cells are added up; totals stay computed, so a roll-up of reports whose totals
agree has totals that agree. Every rule of the 2021 format is linear or a "zero implies zero", so
when every input passes ``check`` without errors, so does the roll-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_report.model.report import CellValue, Report, new_report
from tui_report.model.template import UnitLevel


class RollupError(ValueError):
    """Reports that cannot be added up; the message is in Chinese."""


def rollup(reports: Sequence[Report], unit: str, level: UnitLevel = "county") -> Report:
    """A new report for ``unit`` whose input cells are the sums of the reports' input cells.

    A cell that no report filled in stays blank. All reports must share template and year.
    """
    if not reports:
        raise RollupError("没有可汇总的报告")
    first = reports[0]
    for report in reports[1:]:
        if report.template != first.template:
            raise RollupError(
                f"{report.unit}的报告格式（{report.tpl.name}）与{first.unit}的（{first.tpl.name}）不同，不能汇总"
            )
        if report.year != first.year:
            raise RollupError(
                f"{report.unit}的报告是{report.year}年度，与{first.unit}的{first.year}年度不同，不能汇总"
            )
    total = new_report(unit, first.year, level, first.template)
    template = first.tpl
    for table in template.compiled.values():
        sums: dict[str, CellValue] = {}
        for report in reports:
            entered = report.values.get(table.key, {})
            for cell_id, value in entered.items():
                cell = table.cells.get(cell_id)
                if cell is None or cell.computed:
                    continue
                sums[cell_id] = sums.get(cell_id, 0) + value
        if sums:
            total.values[table.key] = {cid: sums[cid] for cid in table.order if cid in sums}
    return total
