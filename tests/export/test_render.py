"""Rendering through LibreOffice: page count, page numbers where GB/T 9704 puts them, digits unwrapped.

Skipped with a reason when LibreOffice or poppler is missing on a developer's machine, failed in CI:
scripts/test.sh installs them (libreoffice-writer-nogui, the PDF fonts, poppler-utils).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from tui_report.export.office import export_document
from tui_report.model.report import Report

from .pdf_reading import needs_renderer

pytestmark = needs_renderer()

PT_PER_MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * PT_PER_MM, 297 * PT_PER_MM
TYPE_LEFT, TYPE_RIGHT = 28 * PT_PER_MM, (210 - 26) * PT_PER_MM
TYPE_BOTTOM = (297 - 35) * PT_PER_MM
ONE_CHAR = 14.0  # 4号: the page number sits one character in from the type area's edge

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def words(pdf: Path, page: int) -> list[Word]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [Word(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in _WORD.findall(out)]


def page_number_words(page_words: list[Word]) -> list[Word]:
    """The words below the type area: the footer."""
    return [w for w in page_words if w.y0 > TYPE_BOTTOM]


@pytest.fixture(scope="module")
def full_pdf(full_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "full-2024.pdf"
    export_document(full_report, path)
    return path


@pytest.fixture(scope="module")
def dama_draft_pdf(dama_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "dama-2021.pdf"
    export_document(dama_report, path, draft=True)
    return path


def test_page_count_and_numbers(full_pdf: Path) -> None:
    pages = page_count(full_pdf)
    # Four to five pages of 3号 text with the three tables; a sixth would mean broken spacing.
    assert 4 <= pages <= 5
    for page in range(1, pages + 1):
        footer = page_number_words(words(full_pdf, page))
        assert [w.text for w in footer] == ["—", str(page), "—"], f"page {page}"


def test_page_numbers_odd_right_even_left_7mm_below_text(full_pdf: Path) -> None:
    for page in range(1, page_count(full_pdf) + 1):
        footer = page_number_words(words(full_pdf, page))
        left, right = footer[0].x0, footer[-1].x1
        if page % 2:
            assert right == pytest.approx(TYPE_RIGHT - ONE_CHAR, abs=4), f"page {page} not right-aligned"
        else:
            assert left == pytest.approx(TYPE_LEFT + ONE_CHAR, abs=4), f"page {page} not left-aligned"
        dash_middle = (footer[0].y0 + footer[0].y1) / 2
        assert (dash_middle - TYPE_BOTTOM) / PT_PER_MM == pytest.approx(7, abs=2)


def test_title_and_type_area(full_pdf: Path) -> None:
    first = words(full_pdf, 1)
    lines: dict[float, list[Word]] = {}
    for w in first:
        lines.setdefault(round(w.y1), []).append(w)
    title = [lines[y] for y in sorted(lines)[:2]]
    assert ["".join(w.text for w in line) for line in title] == [
        "示例市人民政府",
        "2024年政府信息公开工作年度报告",
    ]
    for line in title:  # centred on the type area
        middle = (line[0].x0 + line[-1].x1) / 2
        assert middle == pytest.approx((TYPE_LEFT + TYPE_RIGHT) / 2, abs=3)
    for page in range(1, page_count(full_pdf) + 1):
        body = [w for w in words(full_pdf, page) if w.y0 <= TYPE_BOTTOM]
        assert min(w.x0 for w in body) >= TYPE_LEFT - 2
        # No punctuation hangs past the right margin.
        assert max(w.x1 for w in body) <= TYPE_RIGHT + 1
        assert min(w.y0 for w in body) >= 37 * PT_PER_MM - 2


def test_table_numbers_are_not_wrapped(full_pdf: Path) -> None:
    all_words = {w.text for page in range(1, page_count(full_pdf) + 1) for w in words(full_pdf, page)}
    for number in ("3001", "3119", "1288", "1326", "2932", "3047", "96171.6", "178", "351"):
        assert number in all_words, f"{number} is split or missing"


def test_draft_is_marked_on_every_page(dama_draft_pdf: Path) -> None:
    pages = page_count(dama_draft_pdf)
    assert pages >= 4
    for page in range(1, pages + 1):
        page_words = words(dama_draft_pdf, page)
        assert any(w.text == "草稿" and w.y1 < 37 * PT_PER_MM for w in page_words), f"page {page}"
        assert [w.text for w in page_number_words(page_words)] == ["—", str(page), "—"]


def text_lines(pdf: Path) -> list[list[str]]:
    """Each page's lines of text (pdftotext's reading order), spaces removed."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return [
        ["".join(line.split()) for line in page.splitlines() if line.strip()]
        for page in out.stdout.split("\f")
    ]


def test_body_lines_hold_28_characters(dama_draft_pdf: Path) -> None:
    # GB/T 9704: 28 characters of 3号 on a line. Lines of Chinese only (no digits) are counted.
    chinese = [
        line for page in text_lines(dama_draft_pdf) for line in page if not any(c.isascii() for c in line)
    ]
    lengths = [len(line) for line in chinese]
    assert max(lengths) == 28
    assert lengths.count(28) >= 20


def test_phone_number_and_operator_subheading_stay_whole(full_pdf: Path, dama_draft_pdf: Path) -> None:
    lines = [line for page in text_lines(full_pdf) for line in page]
    assert any("0517-80000000" in line or "0517\u201180000000" in line for line in lines)
    # The operator's own sub-heading lines are never the last body line of a page.
    for page in text_lines(dama_draft_pdf):
        body = [line for line in page if not re.fullmatch(r"—\d+—|草稿", line)]
        if not body:
            continue
        assert not re.fullmatch(r"[（(][一二三四五六][）)].{2,12}", body[-1]), body[-1]
