"""A new report format is one file (plus one ``[[links]]`` entry for carry-over across formats),
proved end to end.

A site folder named by ``TUI_REPORT_SCHEMAS`` holds ``site-format-2026.toml``: the 2021 format
under another id, from 2026 on, with one row label changed, amounts limited to 2 decimals and one
extra text part, and ``mappings/carry-over.toml`` with the 2021 → 2026 link. Nothing else is
installed or changed. Each step below is one thing an operator or the county office does with it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tui_report.cli import main
from tui_report.model.template import SITE_SCHEMAS_VARIABLE, forget_templates, schemas_dir, template_for_year
from tui_report.storage.reportfile import load_report, save_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FORMAT = "site-format-2026"
CHANGED_LABEL = "（一）全部予以公开"
EXTRA_HEADING = "（六）数字政府建设情况"
EXTRA_TEXT = "本年度建成统一的政务数据共享平台，汇聚各部门数据目录320项，实现办事材料免于重复提交。"


def site_format(folder: Path) -> Path:
    """Write the site's format file (and its carry-over link) into ``folder``."""
    text = (schemas_dir() / "gov-info-disclosure-2021.toml").read_text(encoding="utf-8")
    for old, new in (
        ('id = "gov-info-disclosure-2021"', f'id = "{FORMAT}"'),
        ("（2021年版格式）", "（2026年试用格式）"),
        ("first_year = 2021", "first_year = 2026"),
        ('hint = "金额（万元），最多六位小数"', 'hint = "金额（万元），最多两位小数"'),
        ("decimals = 6", "decimals = 2"),
        ('label = "（一）予以公开"', f'label = "{CHANGED_LABEL}"'),
        (
            'guidance = "写明组织领导、制度建设、考核、社会评议、培训和责任追究等情况。"\n',
            'guidance = "写明组织领导、制度建设、考核、社会评议、培训和责任追究等情况。"\n\n'
            f'[[sections.texts]]\nkey = "digital"\nheading = "{EXTRA_HEADING}"\n'
            'guidance = "写明数字政府建设和政务数据共享的情况。"\n',
        ),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{FORMAT}.toml").write_text(text, encoding="utf-8")
    (folder / "mappings").mkdir(exist_ok=True)
    (folder / "mappings" / "carry-over.toml").write_text(
        "[[links]]\n"
        'from = "gov-info-disclosure-2021"\n'
        f'to = "{FORMAT}"\n'
        'prefill = [{ from = "requests:carry_forward.*", to = "requests:carried_over.*" }]\n'
        'baseline = ["proactive:*.in_force", "requests:carry_forward.*"]\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The site folder, named by TUI_REPORT_SCHEMAS for this test (and read afresh)."""
    folder = site_format(tmp_path / "site-schemas")
    monkeypatch.setenv(SITE_SCHEMAS_VARIABLE, str(folder))
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    forget_templates()
    yield folder
    monkeypatch.delenv(SITE_SCHEMAS_VARIABLE)
    forget_templates()


def complete_2026(path: Path) -> Path:
    """The full example (every cell and text filled) as a 2026 report in the site format."""
    report = load_report(EXAMPLES / "full-2024.toml")
    report.template, report.year = FORMAT, 2026
    report.texts["overview.digital"] = EXTRA_TEXT
    report.texts = {k: v.replace("2024", "2026") for k, v in report.texts.items()}
    report.preamble = {k: v.replace("2024", "2026") for k, v in report.preamble.items()}
    save_report(report, path)
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_templates_lists_the_site_format_and_new_uses_it_for_its_year(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = cli(capsys, "templates")
    assert code == 0 and "（2026年试用格式）" in out and "（2021年版格式）" in out
    assert template_for_year(2026) == FORMAT and template_for_year(2025) == "gov-info-disclosure-2021"
    target = tmp_path / "乙镇2026.toml"
    code, out = cli(capsys, "new", str(target), "--unit", "乙镇人民政府", "--year", "2026", "--level", "乡镇")
    assert code == 0, out
    report = load_report(target)
    assert report.template == FORMAT and "overview.digital" in report.tpl.text_keys()


def test_check_enforces_two_decimals_and_the_extra_part(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = complete_2026(tmp_path / "甲.toml")
    code, out = cli(capsys, "check", str(path))
    assert code == 0, out  # complete and consistent in the new format
    report = load_report(path)
    report.values["proactive"]["fees.amount"] = Decimal("96171.625")  # fine in 2021 (6 decimals)
    report.texts.pop("overview.digital")
    save_report(report, path)
    code, out = cli(capsys, "check", str(path), "--json")
    findings = json.loads(out)["findings"]
    assert code == 1
    assert any("最多保留2位小数" in f["message"] for f in findings), findings
    assert any(f["rule"] == "TEXT_EMPTY" and "数字政府建设情况" in f["message"] for f in findings)


async def test_entry_in_the_app_follows_the_format(site: Path, tmp_path: Path) -> None:
    from textual.widgets import TextArea

    from app_helpers import controller
    from tui.helpers import go_to_step, grid, type_text
    from tui_report.tui.app import make_app

    path = tmp_path / "丙.toml"
    assert main(["new", str(path), "--unit", "丙乡人民政府", "--year", "2026"]) == 0
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to_step(pilot, app, "table:proactive")
        g = grid(app)
        assert g.glayout is not None
        g.go_to_cell("fees.amount")
        await type_text(pilot, "12.345")
        await pilot.press("enter")
        assert g.problem is not None and "最多保留2位小数" in g.problem  # refused, not stored
        await pilot.press("escape")
        await type_text(pilot, "12.34")
        await pilot.press("enter")
        await go_to_step(pilot, app, "table:requests")
        assert any(row.full_label.endswith(CHANGED_LABEL) for row in grid(app).glayout.rows)  # type: ignore[union-attr]
        await go_to_step(pilot, app, "text:overview.digital")
        focused = app.focused
        assert isinstance(focused, TextArea)
        await pilot.press(*"abc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not controller(app).session.dirty
    saved = load_report(path)
    assert saved.entered("proactive", "fees.amount") == Decimal("12.34")
    assert saved.texts["overview.digital"] == "abc"


def test_export_all_three_and_import_its_own_docx_back(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = complete_2026(tmp_path / "甲.toml")
    for suffix in ("docx", "html", "pdf"):
        code, out = cli(capsys, "export", str(path), "-o", str(tmp_path / f"甲.{suffix}"))
        assert code == 0, (suffix, out)
    page = (tmp_path / "甲.html").read_text(encoding="utf-8")
    assert CHANGED_LABEL in page and EXTRA_HEADING in page and EXTRA_TEXT in page
    code, out = cli(capsys, "import", str(tmp_path / "甲.docx"), "-o", str(tmp_path / "back.toml"))
    assert code == 0, out
    original, back = load_report(path), load_report(tmp_path / "back.toml")
    assert back.template == FORMAT and back.year == 2026
    assert back.values == original.values  # the same cells, amounts as this format keeps them
    assert back.texts["overview.digital"] == EXTRA_TEXT

    # A published amount with more decimals than this format keeps is not read (the 2021 format's
    # six decimals would have taken it): said in a note, the cell left for the operator.
    report = load_report(path)
    report.values["proactive"]["fees.amount"] = Decimal("96171.625")
    save_report(report, path)
    code, out = cli(capsys, "export", str(path), "-o", str(tmp_path / "草稿.docx"), "--draft")
    assert code == 0, out
    code, out = cli(capsys, "import", str(tmp_path / "草稿.docx"), "-o", str(tmp_path / "草稿.toml"))
    assert code == 0 and "最多保留2位小数" in out, out
    assert load_report(tmp_path / "草稿.toml").entered("proactive", "fees.amount") is None


def test_new_from_a_2021_report_carries_over_by_the_sites_link(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = EXAMPLES / "full-2024.toml"
    target = tmp_path / "2026.toml"
    code, out = cli(capsys, "new", str(target), "--from", str(last), "--year", "2026")
    assert code == 0, out
    report, previous = load_report(target), load_report(last)
    assert report.template == FORMAT and report.year == 2026
    carried = {k.removeprefix("carried_over."): v for k, v in report.values["requests"].items()}
    assert carried == {
        k.removeprefix("carry_forward."): v
        for k, v in previous.values["requests"].items()
        if k.startswith("carry_forward.")
    }
    assert report.last_year is not None and report.last_year.template == "gov-info-disclosure-2021"


def test_review_and_workbook_of_a_folder_in_the_new_format(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    folder = tmp_path / "county"
    folder.mkdir()
    complete_2026(folder / "甲.toml")
    assert main(["new", str(folder / "乙.toml"), "--unit", "乙镇人民政府", "--year", "2026"]) == 0
    capsys.readouterr()
    code, out = cli(capsys, "review", str(folder), "--json")
    rows = {row["unit"]: row for row in map(json.loads, out.splitlines())}
    assert code == 1 and rows["示例市人民政府"]["state_code"] == "complete", rows
    assert rows["乙镇人民政府"]["state_code"] == "not_started"
    code, out = cli(capsys, "review", str(folder), "-o", str(tmp_path / "汇总.xlsx"))
    assert code == 1, out
    sheet = load_workbook(tmp_path / "汇总.xlsx")["状态"]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "示例市人民政府",
        "乙镇人民政府",
    }


def test_a_site_file_may_not_replace_an_installed_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(schemas_dir() / "gov-info-disclosure-2021.toml", folder)
    monkeypatch.setenv(SITE_SCHEMAS_VARIABLE, str(folder))
    forget_templates()
    try:
        code, out = cli(capsys, "templates")
    finally:
        monkeypatch.delenv(SITE_SCHEMAS_VARIABLE)
        forget_templates()
    assert code != 0 and "不能替换已安装的格式" in out
