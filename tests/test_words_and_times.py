"""Words an operator or a reviewer reads instead of code (#23 item 1): a review formula in words,
from the template's labels and the review spec, and times as 2026-12-06 01:45 in local time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from tui_report.model.formulawords import cell_words, figure_names, formula_words, plain_label
from tui_report.model.indicators import review_spec, tokenize
from tui_report.model.template import get_template
from tui_report.model.timetext import time_text
from tui_report.review.columns import COLUMN, json_value, sheet_value
from tui_report.review.files import Editor
from tui_report.review.unitrow import UnitRow

TEMPLATE = "gov-info-disclosure-2021"


def words(formula: str, names: dict[str, str] | None = None) -> str:
    return formula_words(tokenize(formula), get_template(TEMPLATE), names or {})


def test_a_formula_of_this_and_last_year_in_words() -> None:
    spec = review_spec(TEMPLATE)
    by_id = {i.id: i for i in spec.indicators}
    assert by_id["received_change"].words == "本年新收申请 − 上年新收申请"
    assert by_id["received_change_rate"].words == "（本年新收申请 − 上年新收申请）÷ 上年新收申请"
    assert by_id["disclosed_share"].words == "（予以公开·总计 + 部分公开·总计）÷ 办理结果总计"
    for indicator in (*spec.indicators, *spec.year_over_year):
        assert "." not in indicator.words and "last:" not in indicator.words, indicator.words
        assert not [w for w in indicator.words.split() if w.isascii() and w.isalpha()]


def test_cells_are_named_by_the_labels_that_tell_them_apart() -> None:
    template = get_template(TEMPLATE)
    requests, appeals = template.table("requests"), template.table("appeals")
    assert cell_words(requests, "new.total") == "本年新收政府信息公开申请数量·总计"
    assert cell_words(requests, "results.partial.natural") == "部分公开·自然人"  # the note left out
    assert cell_words(requests, "results.withheld.state_secret.commercial") == "属于国家秘密·商业企业"
    assert cell_words(requests, "results.total.total") == "本年度办理结果·总计"  # （七）总计 × 总计
    assert cell_words(appeals, "count.review.corrected") == "行政复议·结果纠正"
    assert cell_words(appeals, "count.direct.corrected") == "未经复议直接起诉·结果纠正"


def test_without_a_name_in_the_spec_the_labels_say_it() -> None:
    assert words("requests.new.total - last:requests.new.total") == (
        "本年新收政府信息公开申请数量·总计 − 上年新收政府信息公开申请数量·总计"
    )
    named = figure_names([("新收申请（件）", "requests.new.total"), ("合计（件）", "a.b + c.d")])
    assert named == {"requests.new.total": "新收申请"}
    assert words("requests.new.total", named) == "新收申请"
    assert words("-(requests.new.total * 2)", named) == "−（新收申请 × 2）"
    assert plain_label("（二）部分公开（区分处理的，只计这一情形）") == "部分公开"
    assert plain_label("3.危及“三安全一稳定”") == "危及“三安全一稳定”"


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_time_is_minutes_in_local_time(shanghai: None) -> None:
    utc = datetime(2026, 12, 6, 1, 45, 57, tzinfo=timezone.utc)
    assert time_text(utc) == "2026-12-06 09:45"
    assert time_text("2026-12-06T01:45:57+00:00") == "2026-12-06 09:45"
    assert time_text(datetime(2026, 12, 6, 1, 45, 57)) == "2026-12-06 01:45"  # naive: already local
    assert time_text(utc.astimezone(timezone(timedelta(hours=-5))), year=False) == "12-06 09:45"
    assert time_text("") == time_text(None) == time_text("昨天") == ""


def test_the_workbook_says_since_when_in_minutes_and_json_keeps_iso(shanghai: None) -> None:
    row = UnitRow("甲乡人民政府", editor=Editor("张三", "2026-12-06T01:45:57+00:00"))
    row.saved_at = datetime(2026, 12, 6, 1, 40, 3, tzinfo=timezone.utc)
    assert sheet_value(COLUMN["editing_since"], row) == "2026-12-06 09:45"
    assert sheet_value(COLUMN["last_saved"], row) == "2026-12-06 09:40"
    assert json_value(COLUMN["editing_since"], row) == "2026-12-06T09:45:57+08:00"  # the same moment
    assert sheet_value(COLUMN["editing_since"], UnitRow("乙")) == ""
