"""The command line speaks Chinese: argparse's own words included, and --level takes Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_report.cli import COMMANDS, main
from tui_report.cli.common import chinese_message
from tui_report.storage.reportfile import load_report

# What may stay in Latin letters: the program, its commands and flags, file suffixes, level keys.
ALLOWED = {
    "tui",
    "report",
    "toml",
    "json",
    "docx",
    "pdf",
    "html",
    "word",
    "xlsx",
    "index",  # index.html, the batch export's page
    "python",  # names of programs the administrator installs
    "libreoffice",
    "province",
    "city",
    "county",
    "township",
    "department",
    "force",
    "draft",
    "output",
    "help",
    "version",
    "unit",
    "year",
    "level",
    "template",
    "templates",
    "last",
    *COMMANDS,
}


# Values an operator types after a flag (interfaces other scripts rely on), not words.
VALUES = ("own-line", "run-in")


def english_words(text: str) -> set[str]:
    text = re.sub(r"(?<![\w-])--?[\w-]+", "", text)  # flags are names, not words
    for value in VALUES:
        text = text.replace(value, "")
    text = re.sub(r"\b(?:tables|texts)(?:\.\w+)+", "", text)  # key paths, as check --json prints them
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in ALLOWED}


def output_of(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(args)
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out + captured.err


@pytest.mark.parametrize("args", [["--help"], ["new", "--help"], *([c, "-h"] for c in COMMANDS)])
def test_help_is_chinese(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, text = output_of(args, capsys)
    assert code == 0
    assert "用法：" in text and "显示本帮助并退出" in text
    for english in ("usage", "positional arguments", "options:", "show this help message"):
        assert english not in text
    assert not english_words(text), english_words(text)


def test_bad_level_is_refused_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = output_of(
        ["new", str(tmp_path / "a.toml"), "--unit", "某乡", "--year", "2025", "--level", "x"], capsys
    )
    assert code == 2
    assert "错误：参数 --level：无效的单位层级 'x'" in text and "乡镇" in text
    assert "error" not in text and "invalid choice" not in text
    assert not (tmp_path / "a.toml").exists()


def test_missing_and_wrong_values_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = output_of(["new"], capsys)
    assert code == 2 and "缺少必需的参数：文件" in text  # --unit/--year: required unless --from
    code, text = output_of(["new", "a.toml", "--unit", "某乡", "--year", "二〇二五"], capsys)
    assert code == 2 and "参数 --year：无效的值 '二〇二五'（应为整数）" in text
    code, text = output_of(["check", "a.toml", "--bogus"], capsys)
    assert code == 2 and "无法识别的参数：--bogus" in text


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("乡镇", "township"),
        ("县级", "county"),
        ("市级", "city"),
        ("省级", "province"),
        ("部门", "department"),
        ("county", "county"),
    ],
)
def test_level_takes_chinese(word: str, key: str, tmp_path: Path) -> None:
    target = tmp_path / "a.toml"
    assert main(["new", str(target), "--unit", "某某乡人民政府", "--year", "2025", "--level", word]) == 0
    assert load_report(target).level == key


def test_every_argparse_template_is_translated() -> None:
    samples = [
        "argument --level: invalid choice: 'x' (choose from 'a', 'b')",
        "argument --year: invalid int value: 'y'",
        "argument -o/--output: expected one argument",
        "the following arguments are required: 文件",
        "unrecognized arguments: --zz",
        "ambiguous option: --l could match --last-year, --level",
    ]
    for sample in samples:
        assert not english_words(chinese_message(sample)), chinese_message(sample)


def _cells(text: str) -> int:
    from tui_report.model.linebreak import cells

    return cells(text)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_fits_80_columns_names_every_value_and_describes_the_command(
    command: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: help still fits an operator's 80
    code, text = output_of([command, "--help"] if command else ["--help"], capsys)
    assert code == 0
    lines = text.splitlines()
    assert all(_cells(line) <= 80 for line in lines), [line for line in lines if _cells(line) > 80]
    assert "值" not in text.replace("默认值", "")  # every value has a meaningful name
    # Under the usage comes what the command does (a description), before the argument lists.
    body = text.split("\n\n")
    assert body[0].startswith("用法：") and not body[1].startswith(("位置参数", "选项")), text
    if command is None:
        assert "\n    templates  列出可用的报告格式\n" in text  # one line per command, aligned


def test_help_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    _, export = output_of(["export", "--help"], capsys)
    assert "--format {docx,pdf,html}" in export and "--subheadings {own-line,run-in}" in export
    _, review = output_of(["review", "--help"], capsys)
    assert "--roster 名册文件" in review
    _, history = output_of(["history", "--help"], capsys)
    assert "--diff 编号" in history


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chek", "2025年报.toml"], "没有“chek”这个命令，是不是要用：tui-report check"),
        (["histroy", "a.toml"], "没有“histroy”这个命令，是不是要用：tui-report history"),
        (["chek"], "没有“chek”这个命令，是不是要用：tui-report check"),
        (["foo", "bar.toml"], "没有“foo”这个命令；可用的命令：new、check、export"),
    ],
)
def test_mistyped_command_gets_a_suggestion(argv: list[str], message: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tui_report", *argv], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert "用法" not in result.stderr


def test_a_file_named_like_a_command_still_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A report file that exists is opened, whatever its name resembles."""
    from tui_report.cli import not_a_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "chek").write_text("", encoding="utf-8")
    assert not_a_command(["chek"]) == ""
    assert not_a_command(["2025年报.toml"]) == ""  # not there: the app says the file is missing


def test_no_arguments_open_the_start_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """``tui-report`` alone opens the app (the start page), never a traceback from the check for a
    mistyped command."""
    import tui_report.cli as cli

    opened: list[list[str]] = []

    def run_app(argv: list[str]) -> int:
        opened.append(list(argv))
        return 0

    monkeypatch.setattr(cli, "run_app", run_app)
    assert cli.main([]) == 0
    assert opened == [[]]


def test_no_arguments_opens_the_start_screen_not_a_traceback(tmp_path: Path) -> None:
    """``tui-report`` alone is the start screen (here without a terminal: the app says it needs one)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tui_report"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2 and "填报界面需要在终端中运行" in result.stderr
