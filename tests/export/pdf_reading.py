"""Reading a rendered PDF back: words with their boxes (poppler's pdftotext -bbox), pages."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pdfplumber
import pytest

from tui_report.export.pdf import find_soffice

PT_PER_MM = 72 / 25.4
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def needs_renderer() -> list[pytest.MarkDecorator]:
    """Skip without LibreOffice/poppler on a developer's machine; in CI (scripts/test.sh installs
    them) a missing tool is a failure, not a skip."""
    missing = find_soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None
    if missing and os.environ.get("CI"):
        pytest.fail("LibreOffice or poppler-utils is missing: scripts/test.sh installs them", pytrace=False)
    return [pytest.mark.skipif(missing, reason="LibreOffice (soffice) or poppler-utils is not installed")]


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def x_mid(self) -> float:
        return (self.x0 + self.x1) / 2


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
    return [
        Word(page, float(a), float(b), float(c), float(d), unescape(t))
        for a, b, c, d, t in _WORD.findall(out)
    ]


def all_words(pdf: Path) -> list[Word]:
    return [w for page in range(1, page_count(pdf) + 1) for w in words(pdf, page)]


def label_lines(page_words: list[Word], label: str) -> list[Word] | None:
    """The lines a label printed in one table cell was broken into: a word that starts the label,
    then the nearest word below it in the same cell (horizontally overlapping) that continues it,
    until the label is complete. None when no such run of lines is on the page."""
    for first in page_words:
        if not label.startswith(first.text) or not first.text:
            continue
        lines, rest, last = [first], label[len(first.text) :], first
        while rest:
            below = [
                w
                for w in page_words
                if w.y0 > last.y0 + 1
                and w.text
                and rest.startswith(w.text)
                and w.x0 < last.x1 + 2
                and w.x1 > last.x0 - 2
                and w.y0 - last.y1 < 20
            ]
            if not below:
                break
            last = min(below, key=lambda w: w.y0)
            lines.append(last)
            rest = rest[len(last.text) :]
        if not rest:
            return lines
    return None


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    size: float

    @property
    def wide(self) -> bool:
        """A Chinese character or full-width mark (one em), not a Latin letter or digit."""
        return unicodedata.east_asian_width(self.text) in ("W", "F")


@dataclass(frozen=True)
class Line:
    """One printed line of glyphs, left to right, with where its page is."""

    page: int
    top: float
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    def gaps(self, wide: bool) -> list[float]:
        """The space between each glyph's advance and the next glyph, for pairs of Chinese
        characters (``wide``) or of Latin ones: about nothing on a line set as it comes, more on
        a line a justifying renderer has spread across the width."""
        return [
            b.x0 - a.x1
            for a, b in itertools.pairwise(self.glyphs)
            if a.wide == wide and b.wide == wide and a.text.strip() and b.text.strip()
        ]


def glyph_lines(pdf: Path, min_size: float = 0.0) -> list[Line]:
    """Every line of glyphs of at least ``min_size`` points (pdfplumber's characters, each with its
    advance), page by page, top to bottom."""
    lines: list[Line] = []
    with pdfplumber.open(str(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            rows: list[tuple[float, list[Glyph]]] = []
            for char in sorted(page.chars, key=lambda c: c["top"]):
                if char["size"] < min_size:
                    continue
                glyph = Glyph(char["text"], char["x0"], char["x1"], char["size"])
                # Glyphs of one line: tops within half a character (Latin and Chinese fonts differ).
                if rows and char["top"] - rows[-1][0] < char["size"] / 2:
                    rows[-1][1].append(glyph)
                else:
                    rows.append((char["top"], [glyph]))
            for top, row in rows:
                lines.append(Line(number, top, tuple(sorted(row, key=lambda g: g.x0))))
    return lines
