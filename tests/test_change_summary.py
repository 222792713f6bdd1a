"""What changed between two reports, in a few words (history's 改了什么)."""

from __future__ import annotations

from tui_report.model.diff import change_summary, diff_reports
from tui_report.model.report import Report


def test_summary_groups_cells_by_table_in_the_order_of_the_report(dama: Report) -> None:
    changed = dama.model_copy(deep=True)
    changed.values["requests"]["new.natural"] = 5
    changed.values["requests"]["new.commercial"] = 2
    changed.texts["problems.main"] = "新的问题"
    changed.texts["overview.on_request"] = "新收申请5件"
    assert change_summary(diff_reports(dama, changed), dama.tpl) == "改了第一部分（二）、第五部分、表三 2 格"
    changed.unit = "某乡"
    changed.preamble["phone"] = "0371-1"
    changed.values["proactive"] = {}
    summary = change_summary(diff_reports(dama, changed), dama.tpl)
    assert summary.startswith("改了单位名称、联系电话、第一部分（二）、第五部分") and summary.endswith(
        " 等6处"
    )
    assert change_summary(diff_reports(dama, dama), dama.tpl) == ""
