"""The .docx reopened with python-docx: page, fonts, spacing, footers, tables and their merges.

Expected merge maps and labels are copied from the reference (annual-report-format.md §3), not
taken from the template, so that a template or layout error shows up here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from reference_maps import (
    APPEALS_LABELS,
    APPEALS_MERGES,
    FULL_APPEALS,
    FULL_REQUESTS,
    PROACTIVE_LABELS_2021,
    PROACTIVE_MERGES_2021,
    REQUESTS_LABELS_2021,
    REQUESTS_MERGES_2021,
)
from tui_report.model.report import ExportSettings, Report

from .docx_reading import (
    TWIPS_PER_MM,
    at,
    effective_fonts,
    grid_shape,
    has_page_field,
    merges,
    mm,
    open_docx,
    table_cells,
)
from .export_helpers import export_docx


def tables(doc: Any) -> list[Any]:
    return list(doc.element.body.findall(qn("w:tbl")))


# ---------------------------------------------------------------------------- page


def test_page_is_a4_with_gbt9704_margins(full_docx: Any) -> None:
    (section,) = full_docx.sections
    assert mm(section.page_width) == pytest.approx(210, abs=0.1)
    assert mm(section.page_height) == pytest.approx(297, abs=0.1)
    assert mm(section.top_margin) == pytest.approx(37, abs=0.1)
    assert mm(section.bottom_margin) == pytest.approx(35, abs=0.1)
    assert mm(section.left_margin) == pytest.approx(28, abs=0.1)
    assert mm(section.right_margin) == pytest.approx(26, abs=0.1)


# ---------------------------------------------------------------------------- fonts and spacing


def used_styles(doc: Any) -> set[str]:
    parts = [
        doc.element,
        *(s.footer._element for s in doc.sections),
        *(s.even_page_footer._element for s in doc.sections),
    ]
    found: set[str] = set()
    for part in parts:
        for tag in ("w:pStyle", "w:rStyle"):
            found |= {el.get(qn("w:val")) for el in part.iter(qn(tag))}
    return found


def test_east_asian_font_is_set_on_every_style_used(full_docx: Any) -> None:
    styles = used_styles(full_docx)
    assert len(styles) >= 5
    for style_id in [*styles, "Normal"]:
        fonts = effective_fonts(full_docx, style_id)
        assert fonts.get("eastAsia"), f"{style_id} has no w:eastAsia"
        assert not [k for k in fonts if k.endswith("Theme") or k == "cstheme"], (
            f"{style_id} keeps theme fonts"
        )
    assert effective_fonts(full_docx, "Normal")["eastAsia"] == "仿宋_GB2312"
    assert effective_fonts(full_docx, "Normal")["ascii"] == "Times New Roman"
    defaults = full_docx.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def paragraphs_with_style(doc: Any, style_id: str) -> list[Any]:
    return [p for p in doc.paragraphs if p.style.style_id == style_id]


def test_fonts_sizes_and_spacing_by_role(full_docx: Any) -> None:
    title = paragraphs_with_style(full_docx, "ReportTitle")
    assert [p.text for p in title] == ["示例市人民政府", "2024年政府信息公开工作年度报告"]
    assert effective_fonts(full_docx, "ReportTitle")["eastAsia"] == "方正小标宋简体"
    assert title[0].style.font.size.pt == 22
    heading = paragraphs_with_style(full_docx, "ReportHeading1")
    assert len(heading) == 6
    assert effective_fonts(full_docx, "ReportHeading1")["eastAsia"] == "黑体"
    body_style = full_docx.styles["Report Body"]
    assert body_style.font.size.pt == 16
    fmt = body_style.paragraph_format
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert str(fmt.line_spacing_rule) in ("EXACTLY (4)", "WD_LINE_SPACING.EXACTLY")
    assert fmt.first_line_indent.pt == pytest.approx(32)
    ind = body_style.element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert fmt.space_after.pt == 0 and fmt.space_before.pt == 0
    # Word's default 10 pt after / 1.15 lines is gone from the defaults.
    spacing = full_docx.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}"
    )
    assert spacing.get(qn("w:after")) == "0"
    assert spacing.get(qn("w:line")) == "240"
    assert effective_fonts(full_docx, "ReportLead")["eastAsia"] == "楷体_GB2312"


def _leads(doc: Any) -> list[tuple[str, str, bool]]:
    return [
        (
            p.runs[0].text,
            "".join(r.text for r in p.runs[1:]),
            p._p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None,
        )
        for p in paragraphs_with_style(doc, "ReportBody")
        if p.runs and p.runs[0].style.style_id == "ReportLead"
    ]


OWN_SUBHEADINGS = [
    "（一）主动公开情况",
    "（二）依申请公开情况",
    "（三）政府信息管理情况",
    "（四）政府信息公开平台建设情况",
    "（五）监督保障情况",
    # The operator's own （一） lines in part 五.
    "（一）存在的主要问题",
    "（二）改进措施",
]


def test_subheadings_on_their_own_lines_in_kai_kept_with_the_text(full_docx: Any) -> None:
    leads = _leads(full_docx)
    # The default: alone on their line, nothing added, kept on the page of the text below.
    assert leads == [(lead, "", True) for lead in OWN_SUBHEADINGS]


def test_run_in_subheadings(full_report: Report, tmp_path: Path) -> None:
    report = full_report.model_copy(update={"export": ExportSettings(subheadings="run-in")})
    leads = _leads(open_docx(export_docx(report, tmp_path)))
    assert [lead for lead, _, _ in leads] == [f"{h}。" for h in OWN_SUBHEADINGS[:5]] + OWN_SUBHEADINGS[5:]
    assert leads[0][1].startswith("全年通过政府门户") and not leads[0][2]
    assert leads[5][1:] == leads[6][1:] == ("", True)


# ---------------------------------------------------------------------------- page numbers


def test_page_numbers_in_odd_and_even_footers(full_docx: Any) -> None:
    assert full_docx.settings.odd_and_even_pages_header_footer
    section = full_docx.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        element = footer._element
        assert has_page_field(element)
        (p,) = footer.paragraphs
        assert p.style.style_id == "ReportPageNumber"
        assert p.paragraph_format.alignment is not None and align in str(p.paragraph_format.alignment).lower()
        texts = "".join(t.text for t in element.iter(qn("w:t")))
        assert texts == "— 1 —"
    fonts = effective_fonts(full_docx, "ReportPageNumber")
    assert fonts["eastAsia"] == fonts["ascii"] == "宋体"
    assert full_docx.styles["Report Page Number"].font.size.pt == 14


# ---------------------------------------------------------------------------- tables


def test_three_tables_with_official_shapes(full_docx: Any) -> None:
    assert [grid_shape(t) for t in tables(full_docx)] == [(14, 4), (28, 10), (4, 15)]


def test_merge_maps_match_the_reference(full_docx: Any) -> None:
    proactive, requests, appeals = tables(full_docx)
    assert merges(requests) == REQUESTS_MERGES_2021
    assert merges(appeals) == APPEALS_MERGES
    assert merges(proactive) == PROACTIVE_MERGES_2021


def test_header_rows_repeat_and_rows_never_split(full_docx: Any) -> None:
    # 表二's blocks each have their own header, so none repeats; 表三 and 表四 repeat theirs.
    for tbl, header_rows in zip(tables(full_docx), (0, 3, 3), strict=True):
        rows = tbl.findall(qn("w:tr"))
        flags = [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows]
        assert flags == [i < header_rows for i in range(len(rows))]
        assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows)


def keep_next_rows(tbl: Any) -> list[bool]:
    return [
        all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))
        for row in tbl.findall(qn("w:tr"))
    ]


def test_blocks_and_headers_stay_with_what_follows(full_docx: Any) -> None:
    proactive, requests, appeals = tables(full_docx)
    # 表二 fits on one page, so it is kept whole: every row but the last stays with the next (it
    # used to keep only each block, rows 0–3, 4–6, 7–10, 11–13, and broke between blocks).
    assert keep_next_rows(proactive) == [r < 13 for r in range(14)]
    # 表三: the header with the first rows; each group of rows ((三)…(六)) on one page; the first
    # rows of 三、本年度办理结果 (22 rows, too long to keep) together, enough to hold its label.
    groups = [(7, 14), (15, 17), (18, 22), (23, 25)]
    expected = [r < 3 or 5 <= r < 9 or any(a <= r < b for a, b in groups) for r in range(28)]
    assert keep_next_rows(requests) == expected
    assert keep_next_rows(appeals) == [r < 3 for r in range(4)]


def test_widths_fill_the_type_area_and_every_cell_has_one(full_docx: Any) -> None:
    for tbl in tables(full_docx):
        grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        assert sum(grid) / TWIPS_PER_MM == pytest.approx(156, abs=0.5)
        for tr in tbl.findall(qn("w:tr")):
            col = 0
            for tc in tr.findall(qn("w:tc")):
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                n = int(span.get(qn("w:val"))) if span is not None else 1
                width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                assert int(width.get(qn("w:w"))) == sum(grid[col : col + n])
                col += n
        borders = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
        sides = {b.tag.split("}")[1]: b.get(qn("w:val")) for b in borders}
        assert sides == dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), "single")


def test_every_label_in_the_right_cell(full_docx: Any) -> None:
    proactive, requests, appeals = tables(full_docx)
    for tbl, labels in (
        (proactive, PROACTIVE_LABELS_2021),
        (requests, REQUESTS_LABELS_2021),
        (appeals, APPEALS_LABELS),
    ):
        texts = at(tbl)
        for pos, label in labels.items():
            assert texts.get(pos) == label, f"{pos}: {texts.get(pos)!r} != {label!r}"


def test_every_number_in_the_right_cell(full_docx: Any) -> None:
    proactive, requests, appeals = tables(full_docx)
    texts = at(requests)
    for row, numbers in FULL_REQUESTS.items():
        expected = [*numbers, sum(numbers)]
        assert [texts[(row, 3 + c)] for c in range(7)] == [str(n) for n in expected], f"row {row}"
    totals = [sum(FULL_REQUESTS[r][c] for r in range(5, 26)) for c in range(6)]
    assert [texts[(26, 3 + c)] for c in range(7)] == [str(n) for n in [*totals, sum(totals)]]
    assert texts[(26, 9)] == "3047"
    appeals_texts = at(appeals)
    expected_appeals: list[int] = []
    for group in range(3):
        four = FULL_APPEALS[group * 4 : group * 4 + 4]
        expected_appeals += [*four, sum(four)]
    assert [appeals_texts[(3, c)] for c in range(15)] == [str(n) for n in expected_appeals]
    p = at(proactive)
    assert [p[(2, c)] for c in (1, 2, 3)] == ["3", "1", "45"]
    assert [p[(3, c)] for c in (1, 2, 3)] == ["20", "5", "180"]
    assert [p[(6, 1)], p[(9, 1)], p[(10, 1)]] == ["1520", "860", "35"]
    assert p[(13, 1)] == "96171.6"


def test_zeros_are_printed_not_left_blank(dama_docx: Any) -> None:
    for tbl in tables(dama_docx):
        values = [c.text for c in table_cells(tbl) if c.text and c.text.isdigit()]
        assert values and set(values) == {"0"}
    requests = at(tables(dama_docx)[1])
    assert all(requests[(r, c)] == "0" for r in range(3, 28) for c in range(3, 10))


def test_digits_centred_and_long_labels_flush_left(full_docx: Any) -> None:
    requests = tables(full_docx)[1]
    aligns: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(requests.findall(qn("w:tr"))):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            jc = tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}")
            aligns[(r, col)] = jc.get(qn("w:val"))
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            col += int(span.get(qn("w:val"))) if span is not None else 1
    assert all(aligns[(r, c)] == "center" for r in range(3, 28) for c in range(3, 10))
    assert aligns[(23, 2)] == "left"
    assert aligns[(0, 3)] == "center"


# ---------------------------------------------------------------------------- 2019 format


def test_2019_format_tables(tmp_path: Any) -> None:
    from .docx_reading import open_docx
    from .export_helpers import export_docx, report_2019

    report = report_2019()
    doc = open_docx(export_docx(report, tmp_path))
    proactive, requests, appeals = tables(doc)
    assert grid_shape(proactive) == (18, 4)
    p = at(proactive)
    assert [p[(r, 0)] for r in (0, 4, 8, 12, 15)] == [f"第二十条第（{n}）项" for n in "一五六八九"]
    assert [p[(1, c)] for c in range(4)] == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert [p[(5, c)] for c in range(4)] == ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    assert [p[(r, 0)] for r in (2, 3, 6, 7, 10, 11, 14, 17)] == [
        "规章",
        "规范性文件",
        "行政许可",
        "其他对外管理服务事项",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "政府集中采购",
    ]
    assert [p[(16, c)] for c in (1, 2)] == ["采购项目数量", "采购总金额"]
    assert ((13, 2), (13, 3)) in merges(proactive) and ((14, 2), (14, 3)) in merges(proactive)
    # Distinct numbers 1, 2, 3 … in printed order, block by block.
    assert [p[(2, c)] for c in (1, 2, 3)] == ["1", "2", "3"]
    assert p[(17, 2)] == str(len(report.tpl.table("proactive").input_cells()))

    assert grid_shape(requests) == (26, 10)
    r = at(requests)
    assert r[(23, 1)] == "（六）其他处理" and ((23, 1), (23, 2)) in merges(requests)
    assert r[(24, 1)] == "（七）总计" and r[(25, 0)] == "四、结转下年度继续办理"
    assert ((5, 0), (24, 0)) in merges(requests)
    assert not any(a == (23, 1) and b[0] > 23 for a, b in merges(requests))
    assert merges(appeals) == APPEALS_MERGES
    assert [p.text for p in doc.paragraphs if p.style.style_id == "ReportTitle"] == [
        "某某县某某镇人民政府",
        "2020年政府信息公开工作年度报告",
    ]
