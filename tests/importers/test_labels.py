"""Label and value text as units print it, normalised for matching."""

from __future__ import annotations

from tui_report.importers.labels import is_value, normalise_label, value_text


def test_labels_fold_width_spaces_and_numbering():
    assert normalise_label("一．总体情况") == normalise_label("一、总体情况")
    assert normalise_label("一. 总体情况") == normalise_label("一、总体情况")
    assert normalise_label("1、申请人无正当理由逾期不补\n正") == "1.申请人无正当理由逾期不补正"
    assert normalise_label("\u3000（六）其他\u3000处理 ") == normalise_label("(六)其他处理")


def test_values_blanks_and_units():
    for text in ("0", "１２３", "1,234", "96171.6", "", "\u3000", "\xa0", "/", "—", "无", "12件", "3 条"):
        assert is_value(text), text
    for text in ("规章", "总计", "结果维持"):
        assert not is_value(text), text
    assert value_text("１２件") == "12"
