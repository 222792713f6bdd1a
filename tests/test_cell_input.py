"""What operators type into cells: full-width digits, separators, and refusals with reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui_report.model.report import CellInputError, format_value, parse_cell_input, parse_published_cell


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("12", "count", 12),
        ("１２", "count", 12),
        (" ３００１ ", "count", 3001),
        ("1,234", "count", 1234),
        ("１，２３４", "count", 1234),
        ("0", "count", 0),
        ("", "count", None),
        ("-3", "change", -3),
        ("－３", "change", -3),
        ("+5", "change", 5),
        ("96171.6", "amount", Decimal("96171.6")),
        ("９６１７１．６", "amount", Decimal("96171.6")),
        ("96,171.60", "amount", Decimal("96171.60")),
    ],
)
def test_accepted(text, kind, value):
    assert parse_cell_input(text, kind) == value


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("a", "count", "不是件数"),
        ("12a", "count", "不是件数"),
        ("-1", "count", "负数"),
        ("3.5", "count", "不是件数"),
        ("1.234", "amount", "小数位过多"),
        ("万元", "amount", "不是金额"),
        ("1.5", "change", "不是整数"),
    ],
)
def test_refused_with_a_chinese_reason(text, kind, reason):
    with pytest.raises(CellInputError, match=reason):
        parse_cell_input(text, kind)


@pytest.mark.parametrize("mark", ["/", "-", "—", "无", "", "  "])
def test_published_blank_marks_are_not_zero(mark):
    assert parse_published_cell(mark, "count") is None


def test_format_value():
    assert format_value(0) == "0"
    assert format_value(None) == ""
    assert format_value(Decimal("96171.6")) == "96171.6"
