"""Justified lines are filled, not spread: a web address may break anywhere, a phone number never,
and no line of the body is spaced out because what follows it did not fit.

The fault: a long web address has no break opportunity in Word and only after "/" in LibreOffice,
so it moved to the next line and the justified line before it was spread across the width
("淮 安 市 洪 泽 区 人 民 政 府 门 户 网 站 （http://www.hongze.gov.cn/"). Nothing else spreads a line:
the document has no manual line breaks (every operator's line is its own paragraph) and no
distributed alignment, and the last line of a justified paragraph is set as it comes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from tui_report.export.document import (
    BODY_PT,
    WEB_ADDRESS,
    ZERO_WIDTH_SPACE,
    ReportDocument,
    breakable_addresses,
    build_document,
)
from tui_report.export.docx_writer import render_docx
from tui_report.export.fonts import FontSet
from tui_report.export.html import render_html
from tui_report.export.office import export_document
from tui_report.export.pdfcheck import text_layer_problems

from .docx_reading import body_paragraph_texts, open_docx, raw_paragraph_texts
from .export_helpers import LONG_ADDRESS, export_docx, long_address_report
from .pdf_reading import PT_PER_MM, Line, glyph_lines, needs_renderer

# A justified line of 3号 Chinese is spread by at most this much between two characters (a tenth
# of a character): what a renderer adds to fill a line ending before a number such as "2024" or a
# phone number. The spread line before the address had 2.2 pt between every two characters.
MAX_CJK_GAP_PT = BODY_PT / 10
TYPE_RIGHT_PT = (210 - 26) * PT_PER_MM
(renders,) = needs_renderer()  # for the PDF tests only


# ---------------------------------------------------------------------------- the document


def test_web_and_mail_addresses_found_in_operators_text() -> None:
    found = [
        m.group(0)
        for text in (
            f"门户网站（{LONG_ADDRESS}）查阅。",
            "网站(www.example.gov.cn).",
            "电子邮箱：hazwgkc@163.com）。",
            "见https://a.gov.cn/x?a=1&b=2。",
            "2021年,我乡通过QQ、微信公开。",
        )
        for m in WEB_ADDRESS.finditer(text)
    ]
    assert found == [LONG_ADDRESS, "www.example.gov.cn", "hazwgkc@163.com", "https://a.gov.cn/x?a=1&b=2"]


def test_an_address_may_break_between_any_two_characters() -> None:
    text = breakable_addresses(f"网站（{LONG_ADDRESS}）查阅")
    assert text == f"网站（{ZERO_WIDTH_SPACE.join(LONG_ADDRESS)}）查阅"
    assert breakable_addresses("电话0517-80000000，2024年") == "电话0517-80000000，2024年"


def test_docx_lets_the_address_break_and_reads_back_whole(tmp_path: Path) -> None:
    doc = open_docx(export_docx(long_address_report(), tmp_path))
    raw = next(t for t in raw_paragraph_texts(doc) if "门户网站" in t)
    assert ZERO_WIDTH_SPACE.join(LONG_ADDRESS) in raw
    assert any(LONG_ADDRESS in t for t in body_paragraph_texts(doc))


def test_no_manual_breaks_or_distributed_lines(tmp_path: Path) -> None:
    # A line ending in a manual break is spread by Word in a justified paragraph, and
    # "distribute" spreads every line, the last one too: the document has neither.
    report = long_address_report()
    report.texts["overview.summary"] = "第一行\n第二行\u2028第三行\v第四行"
    doc = open_docx(export_docx(report, tmp_path))
    body = doc.element.body
    assert not list(body.iter(qn("w:br")))
    alignments = {jc.get(qn("w:val")) for jc in doc.element.iter(qn("w:jc"))}
    alignments |= {jc.get(qn("w:val")) for jc in doc.styles.element.iter(qn("w:jc"))}
    assert alignments <= {"both", "center", "left", "right"}
    assert {"第一行", "第二行", "第三行", "第四行"} <= set(body_paragraph_texts(doc))


def _docx_runs(data: bytes) -> list[Any]:
    return list(open_docx(data).element.body.iter(qn("w:r")))


def test_phone_number_unbreakable_for_word_and_for_libreoffice() -> None:
    report = long_address_report()
    document = build_document(report)
    fonts = FontSet()
    word = render_docx(document, fonts, report.title, report.unit)
    libreoffice = render_docx(document, fonts, report.title, report.unit, for_libreoffice=True)
    # Word: its own non-breaking hyphen.
    assert sum(len(r.findall(qn("w:noBreakHyphen"))) for r in _docx_runs(word)) == 1
    # LibreOffice breaks before that one ("0517" / "-80000000"), so its copy has word joiners.
    assert not any(r.findall(qn("w:noBreakHyphen")) for r in _docx_runs(libreoffice))
    texts = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in _docx_runs(libreoffice)]
    assert any("0517\u2060-\u206080000000" in t for t in texts)


def test_html_lets_the_address_break_without_invisible_characters() -> None:
    page = render_html(build_document(long_address_report()), FontSet())
    assert f'<span style="word-break:break-all">{LONG_ADDRESS}</span>' in page
    assert ZERO_WIDTH_SPACE not in page
    assert '<span style="white-space:nowrap">0517-80000000</span>' in page


# ---------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportDocument, Path]:
    report = long_address_report()
    path = tmp_path_factory.mktemp("lines") / "hongze.pdf"
    export_document(report, path)
    return build_document(report), path


def body_lines(pdf: Path) -> list[Line]:
    return [line for line in glyph_lines(pdf, min_size=BODY_PT - 0.5) if len(line.glyphs) > 1]


@renders
def test_no_body_line_is_spread(rendered: tuple[ReportDocument, Path]) -> None:
    _, pdf = rendered
    lines = body_lines(pdf)
    assert len(lines) > 40
    for line in lines:
        assert max(line.gaps(wide=True), default=0.0) <= MAX_CJK_GAP_PT, line.text


@renders
def test_line_before_the_address_is_filled_by_it_and_the_address_not_spaced(
    rendered: tuple[ReportDocument, Path],
) -> None:
    _, pdf = rendered
    lines = body_lines(pdf)
    at = next(i for i, line in enumerate(lines) if "http" in line.text)
    line = lines[at]
    assert line.text.startswith("淮安市洪泽区人民政府门户网站（http://")
    # Broken between two of its characters, at the margin: no room left to spread.
    assert max(line.gaps(wide=True)) <= 0.5
    assert line.glyphs[-1].x1 == pytest.approx(TYPE_RIGHT_PT, abs=8)
    # The address's own letters are set as they come on both lines.
    for part in (line, lines[at + 1]):
        assert max(part.gaps(wide=False)) <= 0.5, part.text
    assert (line.text + lines[at + 1].text).count(LONG_ADDRESS) == 1


@renders
def test_last_lines_of_paragraphs_are_not_spread(rendered: tuple[ReportDocument, Path]) -> None:
    _, pdf = rendered
    lines = body_lines(pdf)
    endings = [line for line in lines if line.text.endswith(("。", "下载。"))]
    assert endings
    for line in endings:
        if line.glyphs[-1].x1 < TYPE_RIGHT_PT - BODY_PT:  # a short last line, set as it comes
            assert max(line.gaps(wide=True), default=0.0) <= 0.5, line.text


@renders
def test_phone_number_printed_whole_and_text_layer_complete(
    rendered: tuple[ReportDocument, Path],
) -> None:
    document, pdf = rendered
    assert any("0517-80000000" in line.text for line in body_lines(pdf))
    # The zero-width spaces reach no one: the address reads whole from the PDF.
    assert text_layer_problems(pdf, document) == []
