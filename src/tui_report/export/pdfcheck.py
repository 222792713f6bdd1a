"""Read a rendered PDF's text layer back (poppler's ``pdftotext``) and compare it with what was
meant to be printed: every heading and paragraph present, character by character and in order,
and every table number one word (a number wrapped inside its cell reads as two).

A PDF that fails is not handed over: the export says what is wrong instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from html import unescape
from pathlib import Path

from tui_report.export.document import DRAFT_MARK, Heading, Paragraph, ReportDocument, Table

PDFTOTEXT_TIMEOUT_S = 60
_FOOTER = re.compile(r"^\s*—\s*\d+\s*—\s*$")
_WORD = re.compile(r"<word [^>]*>([^<]*)</word>")
# Characters a renderer may legitimately draw differently from the source text.
_SAME = str.maketrans({"\u2011": "-", "\u00a0": " ", "\u2060": None, "\u200b": None})
SHOWN_PROBLEMS = 5


class TextLayerUnavailable(RuntimeError):
    """pdftotext is not installed or failed: the PDF could not be checked."""


def _squeeze(text: str) -> str:
    return "".join(c for c in text.translate(_SAME) if not c.isspace())


def _pdftotext(pdf: Path, *args: str) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        raise TextLayerUnavailable("pdftotext")
    try:
        result = subprocess.run(
            [program, "-enc", "UTF-8", *args, str(pdf), "-"],
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TextLayerUnavailable(str(exc)) from exc
    if result.returncode != 0:
        raise TextLayerUnavailable(result.stderr.decode("utf-8", "replace"))
    return result.stdout.decode("utf-8", "replace")


def _body_text(raw: str) -> str:
    """All pages' text without the page numbers and the draft mark, whitespace removed."""
    pages: list[str] = []
    for page in raw.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        lines = [line for line in lines if not _FOOTER.match(line) and line.strip() != DRAFT_MARK]
        pages.append("".join(lines))
    return _squeeze("".join(pages))


def expected_paragraphs(document: ReportDocument) -> list[str]:
    """Every line of text outside the tables, in print order."""
    out = list(document.title_lines)
    for block in document.blocks:
        if isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, Paragraph):
            out.append(block.full_text)
    return [p for p in (_squeeze(t) for t in out) if p]


def expected_numbers(document: ReportDocument) -> Counter[str]:
    return Counter(
        span.text
        for block in document.blocks
        if isinstance(block, Table)
        for span in block.cells
        if span.role == "value" and span.text
    )


def _missing_paragraph(text: str, paragraph: str) -> str:
    """Where a paragraph's text stops matching the PDF, for the message."""
    longest = 0
    for size in range(1, len(paragraph) + 1):
        if paragraph[:size] not in text:
            break
        longest = size
    shown = paragraph[max(0, longest - 8) : longest + 8]
    return f"“…{shown}…”处（第 {longest + 1} 个字起）与文档不符"


def text_layer_problems(pdf: Path, document: ReportDocument) -> list[str]:
    """What the PDF's text layer lacks, in Chinese; empty when every paragraph and number is there."""
    problems: list[str] = []
    text = _body_text(_pdftotext(pdf))
    position = 0
    for paragraph in expected_paragraphs(document):
        found = text.find(paragraph, position)
        if found < 0:
            problems.append("正文" + _missing_paragraph(text[position:], paragraph))
            continue
        position = found + len(paragraph)
    words = Counter(unescape(w) for w in _WORD.findall(_pdftotext(pdf, "-bbox")))
    for number, count in sorted(expected_numbers(document).items()):
        if words[number] < count:
            problems.append(f"表格中的数字 {number} 被拆成两行或缺失")
    return problems


def check_pdf_bytes(data: bytes, document: ReportDocument) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="tui-report-check-") as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(data)
        return text_layer_problems(path, document)
