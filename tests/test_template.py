"""The templates carry the official format exactly: labels, shapes, merged cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_maps import REQUESTS_MERGES_2021
from tui_report.model.layout import print_grid
from tui_report.model.template import (
    TemplateError,
    get_template,
    list_templates,
    load_template_file,
    template_for_year,
)

T2021 = "gov-info-disclosure-2021"
T2019 = "gov-info-disclosure-2019"


def test_both_templates_load():
    ids = {t.id for t in list_templates()}
    assert {T2021, T2019} <= ids


@pytest.mark.parametrize("template_id", [T2021, T2019])
def test_six_canonical_part_headings(template_id):
    headings = [s.heading for s in get_template(template_id).sections]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]


def test_part_one_has_five_sub_parts():
    section = get_template(T2021).sections[0]
    assert [p.heading for p in section.texts if p.heading] == [
        "（一）主动公开情况",
        "（二）依申请公开情况",
        "（三）政府信息管理情况",
        "（四）政府信息公开平台建设情况",
        "（五）监督保障情况",
    ]


def test_table_three_2021_shape_and_labels():
    table = get_template(T2021).table("requests")
    assert len(table.rows) == 25
    assert all(len(table.cols_of(r)) == 7 for r in table.rows)
    assert [c.short for c in table.cols_of(table.rows[0])] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert table.rows[0].labels == ("一、本年新收政府信息公开申请数量",)
    assert table.row("results.withheld.three_safety").labels == (
        "三、本年度办理结果",
        "（三）不予公开",
        "3.危及“三安全一稳定”",
    )
    assert table.row("results.other_handling.fee_unpaid").labels[-1] == (
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    )
    assert (
        table.row("results.partial").labels[-1] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    assert table.rows[-1].labels == ("四、结转下年度继续办理",)
    # The total column and the （七）总计 row are computed; nothing else is.
    computed = {cid for cid, c in table.cells.items() if c.computed}
    assert computed == {f"{r.id}.total" for r in table.rows} | {
        f"results.total.{c}"
        for c in ("natural", "commercial", "research", "public_interest", "legal_services", "other")
    }


def test_table_three_2021_print_merge_map_matches_the_official_one():
    grid = print_grid(get_template(T2021).table("requests"))
    assert (grid.n_rows, grid.n_cols) == (28, 10)
    merges = {
        ((s.row, s.col), (s.last_row, s.last_col)): s.text
        for s in grid.spans
        if s.rowspan > 1 or s.colspan > 1
    }
    assert set(merges) == REQUESTS_MERGES_2021
    assert merges[((0, 0), (2, 2))] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert merges[((5, 0), (26, 0))] == "三、本年度办理结果"
    assert grid.header_rows == 3


def test_table_three_2019_has_23_rows():
    table = get_template(T2019).table("requests")
    assert len(table.rows) == 23
    assert table.row("results.other_handling").labels[-1] == "（六）其他处理"
    assert (print_grid(table).n_rows, print_grid(table).n_cols) == (26, 10)


@pytest.mark.parametrize("template_id", [T2021, T2019])
def test_table_four_fifteen_numbers(template_id):
    table = get_template(template_id).table("appeals")
    assert len(table.cells) == 15
    grid = print_grid(table)
    assert (grid.n_rows, grid.n_cols) == (4, 15)
    labels = [c.labels for c in table.cols_of(table.rows[0])]
    assert labels[0] == ("行政复议", "结果维持")
    assert labels[5] == ("行政诉讼", "未经复议直接起诉", "结果维持")
    assert labels[14] == ("行政诉讼", "复议后起诉", "总计")
    assert [c.computed for c in table.cells.values()].count(True) == 3
    entry = table.spec.entry
    assert entry is not None and len(entry.rows) == 3 and len(entry.columns) == 5


def test_table_two_2021_four_blocks():
    table = get_template(T2021).table("proactive")
    assert [b.caption for b in table.spec.blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    grid = print_grid(table)
    assert grid.n_cols == 4
    value = next(s for s in grid.spans if s.cell_id == "licensing.decisions")
    assert value.colspan == 3
    assert table.cells["fees.amount"].kind == "amount"
    assert table.row("normative").labels == ("第二十条第（一）项", "行政规范性文件")


def test_table_two_2019_five_blocks_with_signed_change():
    table = get_template(T2019).table("proactive")
    assert len(table.spec.blocks) == 5
    assert table.cells["licensing.change"].kind == "change"
    assert table.cells["procurement.amount"].kind == "amount"
    assert table.row("other_services").labels[-1] == "其他对外管理服务事项"


def test_template_for_year():
    assert template_for_year(2020) == T2019
    assert template_for_year(2021) == T2021
    assert template_for_year(2025) == T2021
    with pytest.raises(TemplateError):
        template_for_year(2010)


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = (Path(__file__).parent.parent / "schemas" / f"{T2021}.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_broken_template_names_file_and_key(tmp_path):
    path = _broken_copy(tmp_path, 'kind = "amount"', 'kind = "money"')
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "tables" in message and "kind" in message


def test_template_with_dangling_sum_reference(tmp_path):
    path = _broken_copy(
        tmp_path, '"results.disclosed", "results.partial"', '"results.disclosd", "results.partial"'
    )
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    assert "results.disclosd" in str(info.value)


def test_template_not_toml(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("id = ", encoding="utf-8")
    with pytest.raises(TemplateError, match="不是有效的 TOML"):
        load_template_file(path)


def test_a_total_that_adds_itself_up_is_refused(tmp_path):
    path = _broken_copy(
        tmp_path,
        'sum = ["review.upheld", "review.corrected", "review.other", "review.pending"]',
        'sum = ["review.upheld", "review.total"]',
    )
    with pytest.raises(TemplateError, match="引用了自身"):
        load_template_file(path)


def test_text_parts_that_may_stay_empty():
    template = get_template(T2021)
    assert template.text_part("overview.summary").optional  # required = false
    assert template.text_part("other.main").optional  # prints 无 when empty
    assert not template.text_part("overview.proactive").optional


def test_every_cell_kind_has_its_rules_in_the_template():
    for template_id in (T2021, T2019):
        template = get_template(template_id)
        assert template.kind("amount").decimals == 6  # to the fen: 4068.208 万元 is fine
        assert template.kind("count").decimals == 0 and not template.kind("count").negative
        assert template.kind("change").negative
