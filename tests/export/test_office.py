"""export_document and the CLI: formats by extension, atomic writes, the draft rule, clear failures."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reference_maps import APPEALS_MERGES, REQUESTS_MERGES_2021
from tui_report.cli import main
from tui_report.export.office import ExportError, export_document, html_text
from tui_report.model.report import Report

from .docx_reading import open_docx
from .export_helpers import EXAMPLES, report_2019


def test_unknown_extension_is_refused(full_report: Report, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="不支持的导出格式"):
        export_document(full_report, tmp_path / "out.odt")
    assert list(tmp_path.iterdir()) == []


def test_write_is_atomic_and_leaves_no_temp_files(full_report: Report, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")
    export_document(full_report, target)
    assert target.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_unwritable_folder_gives_a_chinese_message(full_report: Report, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        export_document(full_report, tmp_path / "missing" / "report.docx")
    assert "report.docx" in str(info.value)


def test_pdf_without_libreoffice_says_how_to_install(
    full_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUI_REPORT_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ExportError) as info:
        export_document(full_report, tmp_path / "report.pdf")
    message = str(info.value)
    assert "LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message
    assert not (tmp_path / "report.pdf").exists()


def test_bad_font_settings_file_is_reported(
    full_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "fonts.toml"
    bad.write_text('[fonts]\nbody_font = "仿宋"\n', encoding="utf-8")
    monkeypatch.setenv("TUI_REPORT_FONTS", str(bad))
    with pytest.raises(ExportError, match="未知的项 body_font"):
        export_document(full_report, tmp_path / "report.docx")


# ---------------------------------------------------------------------------- CLI


def broken_copy(tmp_path: Path) -> Path:
    """The full example with 一、本年新收·自然人 off by one: R1 and R3 errors."""
    text = (EXAMPLES / "full-2024.toml").read_text(encoding="utf-8")
    broken = text.replace("[tables.requests.new]\nnatural = 3001", "[tables.requests.new]\nnatural = 3002")
    assert broken != text
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    return path


def test_cli_refuses_a_report_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.docx"
    assert main(["export", str(broken_copy(tmp_path)), "-o", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "有错误，未导出" in err and "--draft" in err


def test_cli_draft_exports_with_the_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.docx"
    assert main(["export", str(broken_copy(tmp_path)), "-o", str(out), "--draft"]) == 0
    assert f"已导出 {out}" in capsys.readouterr().out
    doc = open_docx(out.read_bytes())
    assert doc.sections[0].header.paragraphs[0].text == "草稿"


def test_cli_exports_docx_and_html(tmp_path: Path) -> None:
    for suffix in (".docx", ".html"):
        out = tmp_path / f"dama{suffix}"
        assert main(["export", str(EXAMPLES / "dama-2021.toml"), "-o", str(out)]) == 0
        assert out.stat().st_size > 1000


def test_cli_pdf_without_libreoffice_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TUI_REPORT_SOFFICE", str(tmp_path / "none"))
    assert main(["export", str(EXAMPLES / "dama-2021.toml"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "LibreOffice" in capsys.readouterr().err


# ---------------------------------------------------------------------------- hygiene


def test_model_checks_and_html_never_load_python_docx() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tui_report.storage.reportfile import load_report\n"
        "from tui_report.model.rules import check\n"
        "import tui_report.export.office as office\n"
        "from tui_report.export.document import build_document\n"
        f"r = load_report(Path({str(EXAMPLES / 'full-2024.toml')!r}))\n"
        "check(r)\n"
        "build_document(r)\n"
        "office.html_text(r)\n"
        "loaded = sorted(m for m in sys.modules if m == 'docx' or m.startswith('docx.'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------------------- HTML


class _Cells(HTMLParser):
    """Reads the tables of the HTML export into (row, col, rowspan, colspan, text), resolving rowspans."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[tuple[int, int, int, int, str]]] = []
        self.paragraphs: list[str] = []
        self._taken: set[tuple[int, int]] = set()
        self._row = -1
        self._col = 0
        self._cell: list[object] | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
            self._taken, self._row = set(), -1
        elif tag == "tr":
            self._row += 1
            self._col = 0
        elif tag in ("td", "th"):
            while (self._row, self._col) in self._taken:
                self._col += 1
            rowspan, colspan = int(a.get("rowspan") or 1), int(a.get("colspan") or 1)
            for r in range(rowspan):
                for c in range(colspan):
                    self._taken.add((self._row + r, self._col + c))
            self._cell = [self._row, self._col, rowspan, colspan]
            self._text = []
            self._col += colspan
        elif tag in ("p", "h1", "h2"):
            self._text = []
        elif tag == "br" and self._text is not None and not self._cell:
            self.paragraphs.append("".join(self._text))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._text is not None:
            row, col, rowspan, colspan = (int(x) for x in self._cell)  # type: ignore[call-overload]
            self.tables[-1].append((row, col, rowspan, colspan, "".join(self._text)))
            self._cell = self._text = None
        elif tag in ("p", "h1", "h2") and self._text is not None:
            self.paragraphs.append("".join(self._text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def html_merges(cells: list[tuple[int, int, int, int, str]]) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    return {((r, c), (r + rs - 1, c + cs - 1)) for r, c, rs, cs, _ in cells if rs > 1 or cs > 1}


def test_html_has_the_same_tables_and_text(full_report: Report, full_docx: object) -> None:
    from .docx_reading import body_paragraph_texts

    parser = _Cells()
    parser.feed(html_text(full_report))
    proactive, requests, appeals = parser.tables
    assert html_merges(requests) == REQUESTS_MERGES_2021
    assert html_merges(appeals) == APPEALS_MERGES
    texts = {(r, c): t for r, c, _, _, t in requests}
    assert texts[(3, 3)] == "3001" and texts[(26, 9)] == "3047"
    assert {(r, c): t for r, c, _, _, t in proactive}[(13, 1)] == "96171.6"
    assert parser.paragraphs == body_paragraph_texts(full_docx)


def test_html_escapes_and_marks_drafts(full_report: Report) -> None:
    texts = dict(full_report.texts)
    texts["other.main"] = "<script>alert(1)</script> & 其他"
    page = html_text(full_report.model_copy(update={"texts": texts}), draft=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert ">草稿<" in page


def test_2019_html(tmp_path: Path) -> None:
    parser = _Cells()
    parser.feed(html_text(report_2019()))
    assert len(parser.tables) == 3
    assert max(r for r, *_ in parser.tables[1]) == 25
