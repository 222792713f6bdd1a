"""The text of the report in the .docx: everything the operator wrote, in order, paragraph by paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from tui_report.host.toml import tomllib
from tui_report.model.report import Report

from .docx_reading import body_paragraph_texts, effective_fonts, open_docx
from .export_helpers import EXAMPLES, export_docx

HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
SUB_HEADINGS = {
    "proactive": "（一）主动公开情况",
    "on_request": "（二）依申请公开情况",
    "management": "（三）政府信息管理情况",
    "platform": "（四）政府信息公开平台建设情况",
    "supervision": "（五）监督保障情况",
}


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def expected_text(
    example: str, title_lines: list[str], preamble: list[str], run_in: bool = False
) -> list[str]:
    """The document's paragraphs outside tables, from the report file itself. Sub-headings of
    part 一 on their own lines (the default), or run in with a full stop."""
    data = tomllib.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    texts = data["texts"]
    out = [*title_lines, *preamble, HEADINGS[0]]
    out += lines(texts["overview"].get("summary", ""))
    for key, heading in SUB_HEADINGS.items():
        paragraphs = lines(texts["overview"][key])
        if run_in:
            out += [f"{heading}。{paragraphs[0]}", *paragraphs[1:]]
        else:
            out += [heading, *paragraphs]
    out += HEADINGS[1:5]
    out += lines(texts["problems"]["main"])
    out += [HEADINGS[5], *(lines(texts["other"]["main"]) or ["无"])]
    return out


def test_full_example_text_in_order(full_docx: Any) -> None:
    expected = expected_text(
        "full-2024.toml",
        ["示例市人民政府", "2024年政府信息公开工作年度报告"],
        [
            "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，编制本报告。"
            "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
            "本报告电子版可在示例市人民政府门户网站（www.example.gov.cn）查阅或下载。",
            "联系地址：示例市人民政府办公室政务公开科（示例市政府大道1号）；邮政编码：223001；联系电话：0517-80000000。",
        ],
    )
    assert body_paragraph_texts(full_docx) == expected


def test_dama_example_text_in_order(dama_docx: Any) -> None:
    expected = expected_text("dama-2021.toml", ["尉氏县大马乡人民政府", "2021年政府信息公开工作年度报告"], [])
    got = body_paragraph_texts(dama_docx)
    assert got == expected
    # Spot checks against the published report (reference/dama-2021-report.txt).
    assert got[3].startswith("2021年，大马乡人民政府在县委、县政府正确领导下")
    assert "四是加强对工作人员的培训，主要是业务技能的培训和人员素质的提升。" in got
    assert got[-2:] == ["六、其他需要报告的事项", "无"]


def test_short_title_stays_on_one_line(full_report: Report, tmp_path: Path) -> None:
    report = full_report.model_copy(update={"unit": "某某统计局", "year": 2024})
    doc = open_docx(export_docx(report, tmp_path))
    titles = [p.text for p in doc.paragraphs if p.style.style_id == "ReportTitle"]
    assert titles == ["某某统计局2024年政府信息公开工作年度报告"]


def test_empty_parts(full_report: Report, tmp_path: Path) -> None:
    texts = dict(full_report.texts)
    texts["other.main"] = "  \n"
    texts["overview.management"] = ""
    texts["overview.summary"] = ""
    report = full_report.model_copy(update={"texts": texts})
    got = body_paragraph_texts(open_docx(export_docx(report, tmp_path, draft=True)))
    assert got[-2:] == ["六、其他需要报告的事项", "无"]
    # An empty sub-part keeps its heading (the checks flag it); an empty optional summary vanishes.
    assert "（三）政府信息管理情况" in got
    assert got[got.index("一、总体情况") + 1] == "（一）主动公开情况"


def test_operator_paragraphs_are_kept_and_trimmed(full_report: Report, tmp_path: Path) -> None:
    texts = dict(full_report.texts)
    texts["problems.main"] = "　　第一段，前面有全角空格。\r\n\n  第二段 \n\n\n第三段<&>“引号”"
    report = full_report.model_copy(update={"texts": texts})
    got = body_paragraph_texts(open_docx(export_docx(report, tmp_path)))
    start = got.index("五、存在的主要问题及改进情况") + 1
    assert got[start : start + 3] == ["第一段，前面有全角空格。", "第二段", "第三段<&>“引号”"]


def test_draft_marks_every_page_header(full_report: Report, tmp_path: Path) -> None:
    doc = open_docx(export_docx(full_report, tmp_path, draft=True))
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        assert not header.is_linked_to_previous
        assert [p.text for p in header.paragraphs] == ["草稿"]
    assert section.different_first_page_header_footer is False


def test_final_document_has_no_draft_mark(full_docx: Any) -> None:
    section = full_docx.sections[0]
    for header in (section.header, section.even_page_header):
        assert "草稿" not in "".join(p.text for p in header.paragraphs)
    assert all("草稿" not in t for t in body_paragraph_texts(full_docx))


def test_site_can_change_font_names(
    full_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "fonts.toml"
    config.write_text(
        '[fonts]\nbody = "仿宋"\ntitle = "方正小标宋_GBK"\n[fallbacks]\n"方正小标宋_GBK" = "华文中宋"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TUI_REPORT_FONTS", str(config))
    doc = open_docx(export_docx(full_report, tmp_path))
    assert effective_fonts(doc, "ReportBody")["eastAsia"] == "仿宋"
    assert effective_fonts(doc, "ReportTitle")["eastAsia"] == "方正小标宋_GBK"
    assert effective_fonts(doc, "ReportHeading1")["eastAsia"] == "黑体"
    font_table = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    from docx.oxml import parse_xml

    fonts = {
        f.get(qn("w:name")): f.find(qn("w:altName")) for f in parse_xml(font_table.blob).findall(qn("w:font"))
    }
    assert fonts["方正小标宋_GBK"].get(qn("w:val")) == "华文中宋"
    assert fonts["楷体_GB2312"].get(qn("w:val")) == "楷体"


def test_default_fallbacks_are_declared(full_docx: Any) -> None:
    from docx.oxml import parse_xml

    font_table = next(r.target_part for r in full_docx.part.rels.values() if r.reltype.endswith("/fontTable"))
    declared = {
        f.get(qn("w:name")): (f.find(qn("w:altName")), f.find(qn("w:charset")))
        for f in parse_xml(font_table.blob).findall(qn("w:font"))
    }
    for name, alt in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        alt_el, charset = declared[name]
        assert alt_el.get(qn("w:val")) == alt
        assert charset.get(qn("w:val")) == "86"
