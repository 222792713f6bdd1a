"""Hostile or absurd input: a Chinese message (exit 2 on the command line) or a refused value, never
a traceback; file text printed to a terminal with its control characters escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_report import cli
from tui_report.cli import main as cli_main
from tui_report.model.report import MAX_CELL_VALUE, CellInputError, parse_cell_input
from tui_report.model.template import get_template
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import loads_report

from ._helpers import EXAMPLE

BASE = EXAMPLE.read_text(encoding="utf-8")


def _variant(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new, 1)


CASES = {
    "nested brackets": "a = " + "[" * 100_000,
    "5000 dotted key parts": BASE + "\n[tables.requests]\n" + ".".join(["a"] * 5000) + " = 1\n",
    "5000-digit number": _variant("natural = 0", "natural = " + "9" * 5000),
    "4401-digit amount": _variant("natural = 0", "natural = " + "1" * 4401 + ".5"),
    "nan": _variant("natural = 0", "natural = nan"),
    "inf": _variant("natural = 0", "natural = -inf"),
    "over the cell bound": _variant("natural = 0", f"natural = {MAX_CELL_VALUE + 1}"),
    "template_version 99": _variant("[report]\n", "[report]\ntemplate_version = 99\n"),
    "template_version -1": _variant("[report]\n", "[report]\ntemplate_version = -1\n"),
    "year 99999": _variant("year = 2021", "year = 99999"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_files_give_chinese_messages_and_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.toml"
    path.write_text(CASES[name], encoding="utf-8")
    with pytest.raises(ReportFileError) as info:
        loads_report(CASES[name], path)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.reason), info.value.reason
    assert cli_main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "r.toml" in captured.err


def test_an_amount_with_4400_decimals_is_a_finding_and_round_trips(tmp_path: Path) -> None:
    from tui_report.model.rules import check
    from tui_report.storage.reportfile import dumps_report

    report = loads_report(_variant("natural = 0", "natural = 1." + "1" * 4400))
    assert any("小数" in f.message or "整数" in f.message for f in check(report))
    assert loads_report(dumps_report(report)).model_dump() == report.model_dump()  # the journal's path


def test_cell_input_bounds() -> None:
    kinds = get_template("gov-info-disclosure-2021")
    for text in ("9" * 5000, str(MAX_CELL_VALUE + 1), "1" + "0" * 11 + ".5"):
        with pytest.raises(CellInputError):
            parse_cell_input(text, kinds.kind("count" if "." not in text else "amount"))
    assert parse_cell_input(str(MAX_CELL_VALUE), kinds.kind("count")) == MAX_CELL_VALUE


def test_new_with_an_absurd_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["new", str(tmp_path / "n.toml"), "--unit", "某乡", "--year", "99999999999999999999"]
    assert cli_main(argv) == 2
    assert "不是合理的年度" in capsys.readouterr().err


def test_escape_sequences_from_a_file_are_not_sent_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.toml"
    unit_line = next(line for line in BASE.splitlines() if line.startswith("unit = "))
    path.write_text(
        BASE.replace(unit_line, 'unit = "\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m红"', 1), encoding="utf-8"
    )
    cli_main(["check", str(path)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b]0;pwned\\x07" in out
    cli_main(["check", "--json", str(path)])
    line = capsys.readouterr().out.strip()
    assert "\x1b" not in line and "\x9b" not in line
    assert json.loads(line)["title"].startswith("\x1b]0;pwned")  # JSON readers get the text back


def test_double_dash_opens_a_file_named_like_an_option(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []

    def run_app(argv: list[str]) -> int:
        opened.append(list(argv))
        return 0

    monkeypatch.setattr(cli, "run_app", run_app)
    assert cli_main(["--", "-dash.toml"]) == 0
    assert opened == [["-dash.toml"]]


def test_errno_texts_are_chinese(tmp_path: Path) -> None:
    from tui_report.storage.reportfile import load_report

    cases = {tmp_path / "none.toml": "不存在", tmp_path: "文件夹"}
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    cases[tmp_path / "loop"] = "符号链接"
    for path, word in cases.items():
        with pytest.raises(ReportFileError) as info:
            load_report(path)
        message = str(info.value)
        assert word in message
        for english in ("No such file", "Is a directory", "Permission denied", "Too many levels"):
            assert english not in message


def test_file_errors_cross_a_process_boundary_intact() -> None:
    import pickle

    from tui_report.safety.folder import CannotEditError
    from tui_report.storage.safefile import UnsafeFileError

    for error in (
        ReportFileError("/x/r.toml", "原因", 3, 4),
        CannotEditError("/x/r.toml", ["甲", "乙"]),
        UnsafeFileError("/x/r.toml", "是符号链接"),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
        assert copy.__dict__ == error.__dict__
