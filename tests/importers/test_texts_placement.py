"""Placement of paragraphs by meaning (#21 items 1, 2, 4), on paragraph lists (no document, no
child process): the corner cases of the state machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_report.importers.build import build_report
from tui_report.importers.source import SourceDocument
from tui_report.importers.texts import read_texts
from tui_report.importers.vocabulary import guess_level, vocabulary
from tui_report.model.template import get_template

TEMPLATE = get_template("gov-info-disclosure-2021")


def _texts(*blocks: str):  # type: ignore[no-untyped-def]
    return read_texts(list(blocks), TEMPLATE)


def test_sub_headings_without_the_part_heading_of_one():
    texts = _texts(
        "某某镇人民政府2024年政府信息公开工作年度报告",
        "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
        "（一）主动公开情况",
        "全年主动公开信息120条。",
        "（二）依申请公开情况",
        "本年未收到申请。",
    )
    assert texts.texts == {
        "overview.proactive": "全年主动公开信息120条。",
        "overview.on_request": "本年未收到申请。",
    }
    assert "统计期限" in texts.preamble["period"]


def test_numbered_points_inside_part_five_stay_its_text():
    texts = _texts(
        "某某镇人民政府2024年政府信息公开工作年度报告",
        "五、存在的主要问题及改进情况",
        "一、政务新媒体平台建设有待加强。",
        "二、工作人员业务水平有待提高。",
        "六、其他需要报告的事项",
        "无。",
    )
    assert texts.texts["problems.main"] == "一、政务新媒体平台建设有待加强。\n二、工作人员业务水平有待提高。"
    assert texts.notes == []


def test_a_paragraph_cut_by_a_page_number_is_joined():
    texts = _texts(
        "某某镇人民政府2024年政府信息公开工作年度报告",
        "一、总体情况",
        "2024年，本镇认真落实政府信息公开条例，主动公开政府信息",
        "— 2 —",
        "320条，其中重点领域信息150条。",
    )
    assert (
        texts.texts["overview.summary"]
        == "2024年，本镇认真落实政府信息公开条例，主动公开政府信息320条，其中重点领域信息150条。"
    )
    assert texts.accounting.chars["furniture"] == len("—2—")


@pytest.mark.parametrize("line", ["-1-", "— 2 —", "第 3 页", "第3页 共6页", "－ 12 －", "4/6"])
def test_page_number_forms_are_furniture(line):  # type: ignore[no-untyped-def]
    """#21 item 1's page-number lines, wherever they stand; a number alone only at a page's edge."""
    assert vocabulary().is_page_number(line)


@pytest.mark.parametrize("line", ["2024", "一、总体情况", "第3条", "3-1", "（一）"])
def test_text_is_not_a_page_number(line):  # type: ignore[no-untyped-def]
    assert not vocabulary().is_page_number(line)
    assert vocabulary().is_page_number("7", at_edge=True) and not vocabulary().is_page_number("7")


def test_title_with_the_unit_after_the_year_and_a_breadcrumb():
    texts = _texts(
        "首页 > 政务公开 > 年度报告", "2024 年上海市科委政府信息公开工作年度报告", "一、总体情况", "文字。"
    )
    assert (texts.title.unit, texts.title.year) == ("上海市科委", 2024)
    assert texts.accounting.chars["furniture"] == len("首页>政务公开>年度报告")


def test_unit_from_the_signature_when_the_title_has_none():
    source = SourceDocument(
        blocks=[
            "2024年政府信息公开工作年度报告",
            "一、总体情况",
            "2024年，本局认真落实条例。",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "六、其他需要报告的事项",
            "无。",
            "沭阳县发展和改革局",
            "2025年1月18日",
        ]
    )
    result = build_report(source, Path("x.docx"))
    assert result.report.unit == "沭阳县发展和改革局"
    assert result.report.level == "department"
    assert result.report.texts["other.main"] == "无。"
    assert any(n.location == "unit" and "落款" in n.message for n in result.notes)


@pytest.mark.parametrize(
    ("compiler", "unit", "level"),
    [
        ("沭阳县发展和改革局", "沭阳县发展和改革局", "department"),
        ("某某县人民政府办公室", "某某县人民政府", "county"),  # the office compiles its government's
    ],
)
def test_unit_from_the_preamble_when_neither_title_nor_signature_has_one(compiler, unit, level):  # type: ignore[no-untyped-def]
    """#21 item 4: the preamble is the last place the unit is looked for, and the notes say so."""
    source = SourceDocument(
        blocks=[
            "2024年政府信息公开工作年度报告",
            f"本报告由{compiler}根据《中华人民共和国政府信息公开条例》要求编制。",
            "一、总体情况",
            "2024年，本单位认真落实条例。",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "六、其他需要报告的事项",
            "无。",
        ]
    )
    result = build_report(source, Path("x.docx"))
    assert (result.report.unit, result.report.level) == (unit, level)
    assert [n.message for n in result.notes if n.location == "unit"] == [
        f"标题和落款中没有单位名称，已按前言读作“{unit}”，请核对。"
    ]


def test_a_level_the_dictionary_cannot_tell_is_noted_not_guessed_silently():
    source = SourceDocument(
        blocks=[
            "某某合作社2024年政府信息公开工作年度报告",
            "一、总体情况",
            "文字。",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
        ]
    )
    result = build_report(source, Path("x.docx"))
    assert not result.level_known
    assert result.report.level is None  # unset, not a default (#21 item 4)
    assert [n.message for n in result.notes if n.location == "level"] == [
        "未能判断单位层级，请用 --level 指定或在报告信息中选择（从单位名称“某某合作社”看不出层级）。"
    ]


@pytest.mark.parametrize(
    ("unit", "level", "certain"),
    [
        ("浙江省人民政府", "province", True),
        ("广西壮族自治区人民政府", "province", True),
        ("上海市人民政府", "province", True),  # a municipality: not 市级
        ("淮安市人民政府", "city", True),
        ("淮安市人民政府办公室", "city", True),
        ("淮安市洪泽区人民政府", "county", True),
        ("某某县人民政府", "county", True),
        ("平潭综合实验区管理委员会", "county", False),  # a zone: 县级 unless the operator says otherwise
        ("某某镇人民政府", "township", True),
        ("某某乡人民政府", "township", True),
        ("某某街道办事处", "township", True),
        ("上海市科学技术委员会", "department", True),
        ("淮安市教育局", "department", True),
        ("某某县政务服务中心", "department", True),
        ("某某合作社", None, False),
    ],
)
def test_the_level_dictionary_of_the_issue(unit, level, certain):  # type: ignore[no-untyped-def]
    """#21 item 4's dictionary (schemas/mappings/import.toml): 省/自治区/直辖市人民政府 → 省级, 市人民政府
    → 市级, 县/区人民政府 and a zone's 管委会 → 县级 (the zone a guess), 乡/镇/街道办事处 → 乡镇,
    局/委/办/中心 → 部门; a name it has no entry for → unset."""
    assert guess_level(unit) == (level, certain)


def test_a_note_under_a_table_is_listed_not_dropped():
    texts = _texts(
        "某某镇人民政府2024年政府信息公开工作年度报告",
        "四、政府信息公开行政复议、行政诉讼情况",
        "注：行政复议、行政诉讼数量含上年度结转数量。",
    )
    assert (
        texts.notes[0].message
        == "以下文字未归入任何部分：“注：行政复议、行政诉讼数量含上年度结转数…”，请核对。"
    )
    assert texts.notes[0].location == "tables.appeals"
    assert texts.accounting.chars["unplaced"] == len("注：行政复议、行政诉讼数量含上年度结转数量。")
