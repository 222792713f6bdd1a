"""R12 reads what part 六 says about fees (#21 item 6): "no notice was sent" implies 表三（六）2 = 0;
"the fee was not collected" (未收取/没有收取/无收取信息处理费) is consistent with notices sent and not
paid, and raises nothing."""

from __future__ import annotations

import pytest

from tui_report.model.report import Report
from tui_report.model.rules import check

FEE_UNPAID = "results.other_handling.fee_unpaid.natural"


def _r12(report: Report, text: str) -> list[str]:
    report.texts["other.main"] = text
    return [f.message for f in check(report) if f.rule == "R12"]


@pytest.mark.parametrize(
    "text",
    [
        "2025年，无收取信息处理费情况。",
        "本年度未收取信息处理费。",
        "本年度没有收取信息处理费。",
        "本机关发出收费通知2件，申请人均未缴纳，未收取信息处理费。",
        "信息处理费为0。",
    ],
)
def test_fee_not_collected_is_consistent_with_notices_unpaid(full: Report, text: str):
    assert full.cell("requests", FEE_UNPAID) == 6
    assert _r12(full, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "本年度未发出收费通知。",
        "本年度没有发出收费通知，未收取信息处理费。",
        "本年度未产生信息处理费。",
        "收费通知数量为0。",
        "发出收费通知0件。",
        "无",
    ],
)
def test_no_notice_sent_but_fee_unpaid_is_a_warning(full: Report, text: str):
    found = _r12(full, text)
    assert len(found) == 1 and "未发出收费通知" in found[0]
