"""Batch export: every complete report of a folder with one LibreOffice start, plus index.html."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tui_report.cli import main
from tui_report.model.report import new_report
from tui_report.storage.reportfile import load_report, save_report

from .conftest import County, own_text, scaled

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def three_reports(folder: Path) -> list[str]:
    base = load_report(EXAMPLES / "full-2024.toml")
    units = ["甲乡人民政府", "乙镇人民政府", "丙乡人民政府"]
    for index, unit in enumerate(units):
        report = scaled(base, unit, 1)
        report.texts = {k: own_text(unit + k, 60) for k in report.texts}
        save_report(report, folder / f"r{index}.toml")
    save_report(new_report("丁乡人民政府", 2024, "township"), folder / "empty.toml")  # not exported
    return units


def counting_soffice(tmp_path: Path) -> Path:
    """A soffice that records each start, then runs the real one."""
    real = shutil.which("soffice") or shutil.which("libreoffice")
    if real is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: scripts/test.sh installs it")
        pytest.skip("LibreOffice is not installed")
    log = tmp_path / "starts.log"
    wrapper = tmp_path / "soffice"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_three_reports_to_pdf_with_one_libreoffice_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    units = three_reports(folder)
    wrapper = counting_soffice(tmp_path)
    monkeypatch.setenv("TUI_REPORT_SOFFICE", str(wrapper))
    out = tmp_path / "out"
    code = main(["export", str(folder), "-o", str(out), "--format", "pdf"])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # the empty report was skipped
    assert "丁乡人民政府" in captured.err
    assert (tmp_path / "starts.log").read_text().count("start") == 1
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 3
    for unit in units:
        pdf = out / f"{unit}2024年政府信息公开工作年度报告.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        assert unit in pdf_text(pdf).replace(" ", "")
    index = (out / "index.html").read_text(encoding="utf-8")
    for unit in units:
        assert f'">{unit}</a>' in index
    assert "丁乡人民政府" not in index


def test_batch_docx_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    units = three_reports(folder)
    (folder / "empty.toml").unlink()
    for fmt in ("docx", "html"):
        out = tmp_path / fmt
        assert main(["export", str(folder), "-o", str(out), "--format", fmt]) == 0
        names = sorted(p.name for p in out.iterdir())
        assert names == sorted([*(f"{u}2024年政府信息公开工作年度报告.{fmt}" for u in units), "index.html"])


def test_batch_export_marks_reports_exported_in_the_review(
    county: County, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exported elsewhere (the portal's folder): the review still knows, and knows a later save."""
    out = tmp_path / "portal"
    main(["export", str(county.folder), "-o", str(out), "--format", "html"])
    capsys.readouterr()
    main(["review", str(county.folder), "--json"])
    rows = {r["unit"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["甲乡人民政府"]["exported"] is True
    assert rows["甲乡人民政府"]["exported_files"] == ["甲乡人民政府2024年政府信息公开工作年度报告.html"]
    assert rows["丙乡人民政府"]["exported"] is False  # has errors: not exported
    later = (out / "甲乡人民政府2024年政府信息公开工作年度报告.html").stat().st_mtime + 10
    os.utime(county.files["甲乡人民政府"], (later, later))  # saved again after the export
    main(["review", str(county.folder), "--json"])
    rows = {r["unit"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["甲乡人民政府"]["exported"] is False


def test_batch_refuses_a_file_as_outdir(
    county: County, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    assert main(["export", str(county.folder), "-o", str(target)]) == 2
    assert "文件夹" in capsys.readouterr().err
