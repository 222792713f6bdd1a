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
