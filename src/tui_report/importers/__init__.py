"""Reading reports other tools made: Word/WPS (.docx), web pages (.html) and PDFs with a text layer.

``import_report(path)`` returns the report and notes on what could not be placed or was placed
with doubt; :class:`ImportFailure` (Chinese message) when the file is not a report it recognises.
Deterministic and offline: table structure from the template's label trees, labels by normalised
text with fuzzy matching for misprints, text parts by their headings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.importers.isolation import read_isolated
from tui_report.importers.source import MAX_SOURCE_BYTES, ImportFailure, SourceDocument
from tui_report.storage.errors import ReportFileError
from tui_report.storage.safefile import read_regular

if TYPE_CHECKING:
    from tui_report.importers.build import ImportResult
    from tui_report.model.template import UnitLevel

__all__ = ["SUFFIXES", "ImportFailure", "import_report", "is_document", "peek_title", "read_source"]

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


def _read_bytes(path: Path) -> bytes:
    """The file's bytes through one descriptor: not a link, FIFO or device, never blocking, at most
    :data:`MAX_SOURCE_BYTES` (a shared folder may hold anything, swapped in at any moment)."""
    try:
        data, _info = read_regular(path, MAX_SOURCE_BYTES)
    except ReportFileError as exc:
        raise ImportFailure(str(exc)) from exc
    return data


def _reader(
    kind: str, data: bytes, path: Path, first_pages: int | None = None
) -> Callable[[], SourceDocument]:
    """The reading to do; its module (and library) is loaded here, before the child is forked, so
    that reading several documents loads it once."""
    if kind == "pdf":
        from tui_report.importers.pdf_reader import load_library, read_pdf

        load_library()
        return lambda: read_pdf(data, path, first_pages)
    if kind == "docx":
        from tui_report.importers.docx_reader import read_docx

        return lambda: read_docx(data, path)
    from tui_report.importers.html_reader import read_html

    return lambda: read_html(data, path)


def read_source(path: Path) -> SourceDocument:
    """The document's paragraphs and tables, read in a child process under the budgets."""
    data = _read_bytes(path)
    return read_isolated(_reader(_kind(path, data[:4096]), data, path), path)


def peek_title(path: Path) -> tuple[str, int | None]:
    """Unit and year from a document's title alone (of a PDF, its first page): enough to find last
    year's report among the documents of a folder without importing each. ("", None) when the
    document has no title that says so; :class:`ImportFailure` when it cannot be read."""
    from tui_report.importers.texts import read_title

    data = _read_bytes(path)
    document = read_isolated(_reader(_kind(path, data[:4096]), data, path, first_pages=1), path)
    title, _first, _end = read_title([b for b in document.blocks if isinstance(b, str)])
    return title.unit, title.year


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
