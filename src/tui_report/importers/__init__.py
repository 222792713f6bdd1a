"""Reading reports other tools made: Word/WPS (.docx), web pages (.html) and PDFs with a text layer.

``import_report(path)`` returns the report and notes on what could not be placed or was placed
with doubt; :class:`ImportFailure` (Chinese message) when the file is not a report it recognises.
Deterministic and offline: table structure from the template's label trees, labels by normalised
text with fuzzy matching for misprints, text parts by their headings.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.host.oserror import os_error_text
from tui_report.importers.source import MAX_SOURCE_BYTES, ImportFailure, SourceDocument

if TYPE_CHECKING:
    from tui_report.importers.build import ImportResult
    from tui_report.model.template import UnitLevel

__all__ = ["SUFFIXES", "ImportFailure", "import_report", "is_document"]

SUFFIXES = (".docx", ".html", ".htm", ".pdf")


def is_document(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _kind(path: Path, head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        return "docx"
    if path.suffix.lower() in (".html", ".htm") or b"<" in head[:512]:
        return "html"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailure(f"{path}：这是旧的 Word .doc 格式，请在 Word/WPS 中另存为 .docx 后再导入")
    raise ImportFailure(f"{path}：无法识别的文件类型（支持 .docx、.html、.pdf）")


def _open_checked(path: Path) -> bytes:
    """The first bytes of a regular, reasonably sized file (a shared folder may hold anything)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ImportFailure(f"{path}：无法读取（{os_error_text(exc)}）") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ImportFailure(f"{path}：不是普通文件")
    if info.st_size > MAX_SOURCE_BYTES:
        raise ImportFailure(f"{path}：文件过大（{info.st_size // 1024 // 1024} MB），不像是一份年度报告")
    try:
        with open(path, "rb") as handle:
            return handle.read(4096)
    except OSError as exc:
        raise ImportFailure(f"{path}：无法读取（{os_error_text(exc)}）") from exc


def read_source(path: Path) -> SourceDocument:
    kind = _kind(path, _open_checked(path))
    try:
        if kind == "pdf":
            from tui_report.importers.pdf_reader import read_pdf

            return read_pdf(path)
        if kind == "docx":
            from tui_report.importers.docx_reader import read_docx

            return read_docx(path)
        from tui_report.importers.html_reader import read_html

        return read_html(path)
    except ImportFailure:
        raise
    except Exception as exc:  # a damaged file: the libraries raise many kinds; never a traceback
        raise ImportFailure(f"{path}：文件已损坏或格式不受支持，无法读取") from exc


def import_report(
    path: Path | str,
    unit: str | None = None,
    year: int | None = None,
    level: UnitLevel | None = None,
) -> ImportResult:
    # The matching (rapidfuzz) loads only here: `check` of .toml files never pays for it.
    from tui_report.importers.build import build_report

    path = Path(path)
    return build_report(read_source(path), path, unit, year, level)
