"""The .docx package carries the report's own metadata and nothing of python-docx's template;
the fonts a PDF needs are checked; a PDF whose text layer is broken is refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tui_report.export import fontfiles, fonts, pdfcheck
from tui_report.export.fonts import FontSet, missing_pdf_fonts
from tui_report.export.office import ExportError, export_document
from tui_report.model.report import Report

from .export_helpers import export_docx


@pytest.fixture(scope="module")
def package(full_report: Report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    data = export_docx(full_report, tmp_path_factory.mktemp("package"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_metadata_names_the_application_title_and_unit(package: dict[str, bytes]) -> None:
    app = package["docProps/app.xml"].decode()
    assert "<Application>tui-report</Application>" in app
    core = package["docProps/core.xml"].decode()
    assert "<dc:title>示例市人民政府2024年政府信息公开工作年度报告</dc:title>" in core
    assert "<dc:creator>示例市人民政府</dc:creator>" in core
    assert "<cp:lastModifiedBy>示例市人民政府</cp:lastModifiedBy>" in core


def test_nothing_left_of_the_default_template(package: dict[str, bytes]) -> None:
    names = set(package)
    assert not any("thumbnail" in n or n.startswith("customXml/") or "theme" in n for n in names)
    assert "word/stylesWithEffects.xml" not in names
    everything = b"".join(package.values()).decode("utf-8", "replace")
    leftovers = ("Macintosh", "ＭＳ 明朝", "ＭＳ ゴシック", "Cambria", "Calibri", "Normal.dotm", "w:rsid ")
    assert [word for word in leftovers if word in everything] == []
    fonts_xml = package["word/fontTable.xml"].decode()
    assert fonts_xml.count("<w:font ") == len(FontSet().names())


def test_missing_fonts_are_named_with_their_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        fontfiles, "installed_families", lambda: frozenset({"Noto Serif CJK SC", "DejaVu Serif"})
    )
    missing = {m.need.package: m for m in missing_pdf_fonts()}
    assert sorted(missing) == ["fonts-arphic-ukai", "fonts-liberation", "fonts-noto-cjk"]
    kai = missing["fonts-arphic-ukai"].message
    assert (
        "楷体" in kai and "改用 Noto Serif CJK SC" in kai and "sudo apt-get install fonts-arphic-ukai" in kai
    )
    assert "改用 DejaVu Serif" in missing["fonts-liberation"].message


def test_real_gb2312_fonts_count_as_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = frozenset({"仿宋_GB2312", "方正小标宋简体", "宋体", "黑体", "楷体_GB2312", "Times New Roman"})
    monkeypatch.setattr(fontfiles, "installed_families", lambda: installed)
    assert missing_pdf_fonts() == []


def test_unmeasurable_latin_font_sizes_for_the_widest_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fontfiles, "installed_families", lambda: frozenset())
    assert fonts.latin_widths(FontSet(), "0123") == dict.fromkeys("0123", fontfiles.WIDEST_FALLBACK_DIGIT_EM)


def test_broken_text_layer_is_refused_and_nothing_written(
    full_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui_report.export.pdf.docx_to_pdf", lambda docx, fonts: b"%PDF-1.4 stub")
    monkeypatch.setattr(
        pdfcheck, "check_pdf_bytes", lambda data, document: ["表格中的数字 3001 被拆成两行或缺失"]
    )
    target = tmp_path / "report.pdf"
    with pytest.raises(ExportError, match="生成的 PDF 有问题，未保存：表格中的数字 3001 被拆成两行或缺失"):
        export_document(full_report, target)
    assert not target.exists()


def test_unchecked_pdf_is_handed_over_with_a_warning(
    full_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(data: bytes, document: object) -> list[str]:
        raise pdfcheck.TextLayerUnavailable("pdftotext")

    monkeypatch.setattr("tui_report.export.pdf.docx_to_pdf", lambda docx, fonts: b"%PDF-1.4 stub")
    monkeypatch.setattr(pdfcheck, "check_pdf_bytes", unavailable)
    warnings = export_document(full_report, tmp_path / "report.pdf")
    assert any("poppler-utils" in w for w in warnings)


def test_measured_widths_are_cached_and_a_broken_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path))
    font = fontfiles.font_file("Liberation Serif") or fontfiles.font_file("DejaVu Serif")
    assert font is not None, "scripts/test.sh installs fonts-liberation"
    fontfiles.advance_widths.cache_clear()
    first = fontfiles.advance_widths(font, "0123")
    assert first and set(first) == set("0123")
    cache = tmp_path / fontfiles.CACHE_NAME
    assert str(font) in cache.read_text(encoding="utf-8")
    # From the cache: fontTools is not asked again.
    fontfiles.advance_widths.cache_clear()
    monkeypatch.setattr(fontfiles, "_measure", lambda path, chars: pytest.fail("measured again"))
    assert fontfiles.advance_widths(font, "0123") == first
    monkeypatch.undo()
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path))
    cache.write_text("{not json", encoding="utf-8")
    fontfiles.advance_widths.cache_clear()
    assert fontfiles.advance_widths(font, "0123") == first
