"""Issue #20 item 8: names have bounds. A unit is at most the template's ``unit_max_chars`` (60)
characters where it enters (``new``, ``import``, the app's unit field) and an error where a file
brings a longer one (``check``); file names derived from a unit are cut to what the file system
takes, with no path separator and no leading dot or dash; batch export goes on past one unit's
failure, names it, and always writes index.html; a 300-character unit never gives an English
traceback in .docx export."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

import pytest

from tui_report.cli import main
from tui_report.export.office import html_text
from tui_report.model.rules import check
from tui_report.model.template import get_template
from tui_report.storage.reportfile import load_report, save_report

from .conftest import evil_report

LONG = "某某省某某市某某县某某乡镇人民政府" * 6  # 102 characters
HUGE = "某" * 1_500_000


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_limit_is_template_data() -> None:
    for template_id in ("gov-info-disclosure-2021", "gov-info-disclosure-2019"):
        assert get_template(template_id).unit_max_chars == 60


@pytest.mark.parametrize("unit", ["某" * 61, LONG, HUGE], ids=["61", "102", "1.5M"])
def test_new_refuses_a_long_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str], unit: str) -> None:
    path = tmp_path / "新.toml"
    code, _out, err = run(capsys, "new", str(path), "--unit", unit, "--year", "2025")
    assert code == 2
    assert "单位名称过长" in err and "最多60个字" in err
    assert len(err) < 300  # the name itself is not echoed back
    assert not path.exists()
    code, _out, err = run(capsys, "new", str(path), "--unit", "某" * 60, "--year", "2025")
    assert code == 0, err


def test_a_file_with_a_long_unit_is_an_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "长.toml"
    save_report(evil_report(HUGE), path)
    findings = check(load_report(path))
    assert any(f.severity == "error" and "单位名称过长（1500000个字" in f.message for f in findings)
    code, out, err = run(capsys, "check", str(path))
    assert code == 1
    assert "单位名称过长" in out and "Traceback" not in err


def test_import_refuses_a_long_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "来源.html"
    source.write_text(html_text(evil_report(LONG)), encoding="utf-8")
    out = tmp_path / "导入.toml"
    code, said, err = run(capsys, "import", str(source), "-o", str(out))
    # The title's unit is longer than any unit may be: it is never taken. Either the import is
    # refused, or the report is made without a unit and the operator is told to give one.
    if code == 2:
        assert "单位名称过长" in err and "--unit" in err, err
        assert not out.exists()
    else:
        assert code == 0 and load_report(out).unit == "" and "--unit" in said, said
        out.unlink()
    code, _out, err = run(capsys, "import", str(source), "-o", str(out), "--unit", "某" * 61)
    assert code == 2 and "单位名称过长" in err
    code, _out, err = run(capsys, "import", str(source), "-o", str(out), "--unit", "某某乡人民政府")
    assert code == 0, err
    assert load_report(out).unit == "某某乡人民政府"


def test_the_app_s_unit_field_refuses_a_long_unit(tmp_path: Path) -> None:
    from tui_report.tui.app import make_app

    path = tmp_path / "年报.toml"
    save_report(evil_report("某某乡人民政府"), path)

    async def scenario() -> None:
        app = make_app(path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            for _ in range(10):
                if getattr(screen, "current", None) == "meta":
                    break
                await pilot.press("pageup")
            assert getattr(screen, "current", None) == "meta"
            await pilot.pause()
            await pilot.press("end", *(["k"] * 60))  # 7 + 60 characters
            await pilot.pause()
            report = app.controller.report  # type: ignore[union-attr]
            assert len(report.unit) <= 60
            shown = [n.message for n in app._notifications]
            assert any("单位名称过长" in m for m in shown), shown

    asyncio.run(scenario())


def test_batch_file_names_are_cut_safely(tmp_path: Path) -> None:
    from tui_report.review.batch import file_name

    taken: set[str] = set()
    for unit in ("某" * 300, "-rf ../../etc/某某乡", ".隐藏/乡", "a" * 300):
        report = evil_report(unit)
        for fmt in ("docx", "html", "pdf"):
            name = file_name(report, fmt, taken)
            assert len(f".{name}.4194304.abcdef12.tmp".encode()) <= 255, name  # the writer's temp name too
            assert "/" not in name and "\\" not in name, name
            assert not name.startswith((".", "-")), name
            (tmp_path / name).write_bytes(b"x")  # the file system takes it
            (tmp_path / f".{name}.4194304.abcdef12.tmp").write_bytes(b"x")  # and the writer's temp name


@pytest.fixture
def batch_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "county"
    folder.mkdir()
    for unit in ("甲乡人民政府", "乙镇人民政府", "丙乡人民政府"):
        save_report(evil_report(unit), folder / f"{unit}.toml")
    return folder


def test_batch_export_goes_on_past_one_unit_s_failure(
    batch_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outdir = tmp_path / "发布"
    outdir.mkdir()
    (outdir / "乙镇人民政府2024年政府信息公开工作年度报告.html").mkdir()  # its file cannot be written
    code, out, err = run(capsys, "export", str(batch_folder), "-o", str(outdir), "--format", "html")
    assert code == 1, err
    assert "乙镇人民政府" in err and "未导出" in err
    assert (outdir / "index.html").is_file()
    index = (outdir / "index.html").read_text(encoding="utf-8")
    assert "甲乡人民政府" in index and "丙乡人民政府" in index and "乙镇人民政府" not in index
    assert "已导出 2 份" in out


@pytest.mark.parametrize("unit", [LONG, "某" * 300], ids=["102", "300"])
def test_batch_export_with_a_long_unit_exports_the_others(
    batch_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], unit: str
) -> None:
    save_report(evil_report(unit), batch_folder / "长.toml")
    outdir = tmp_path / "发布"
    code, out, err = run(capsys, "export", str(batch_folder), "-o", str(outdir), "--format", "docx")
    assert code == 1, err
    assert "Traceback" not in err
    assert (outdir / "index.html").is_file()
    assert len(list(outdir.glob("*.docx"))) == 3, (out, err)
    assert "某某" in err and ("有错误" in err or "未导出" in err)


def test_docx_export_of_a_300_character_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "长.toml"
    save_report(evil_report("某" * 300), path)
    code, _out, err = run(capsys, "export", str(path), "-o", str(tmp_path / "长.docx"))
    assert code == 1 and "单位名称过长" in err and "Traceback" not in err  # an error: --draft only
    code, _out, err = run(capsys, "export", str(path), "-o", str(tmp_path / "长.docx"), "--draft")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "长.docx") as docx:
        assert "某" * 300 in docx.read("word/document.xml").decode("utf-8")  # printed whole
        assert "某" * 200 in docx.read("docProps/core.xml").decode("utf-8")  # the property cut to 255


def test_control_characters_never_reach_a_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "坏.toml"
    report = evil_report("某某乡\x1b]0;pwned\x07\x9b人民政府")
    report.texts["other.main"] = "第一段\x1b[2J\n第二段\x00"
    save_report(report, path)
    for suffix in ("docx", "html"):
        target = tmp_path / f"坏.{suffix}"
        code, _out, err = run(capsys, "export", str(path), "-o", str(target))
        assert code == 0, err
        data = target.read_bytes()
        if suffix == "docx":
            with zipfile.ZipFile(target) as docx:
                data = b"".join(docx.read(n) for n in docx.namelist() if n.endswith(".xml"))
        text = data.decode("utf-8")
        assert not any(c in text for c in "\x1b\x07\x00\x9b"), suffix
        assert "某某乡]0;pwned人民政府" in text and "第二段" in text
