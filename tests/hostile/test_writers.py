"""Issue #20 item 2: every command that writes a report goes through the session's one writer
(``session.replace_report_file``): while a colleague edits 乙镇.toml (a live process of another user holding
the edit lock) ``import -o``, ``rollup -o``, ``new --force`` and ``restore`` refuse and name who
edits; once the file is free they replace it and the replaced content is kept in ``.versions``;
``rollup`` refuses an existing file without ``--force``.

Two real users in one group (as ``tests/reliability/test_two_users.py``: root creates them); op1
edits, op2 runs the commands."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reliability.test_two_users import Background, Office, as_user, office, users  # noqa: F401
from tui_report.cli import main
from tui_report.export.office import html_text
from tui_report.session import EditSession
from tui_report.storage.reportfile import load_report, save_report
from tui_report.storage.versions import list_versions, read_version

from .conftest import EXAMPLES, evil_report


def _command(argv: list[str]) -> Callable[[], tuple[int, str]]:
    """``tui-report ARGV`` in this process, its exit code and everything it printed."""

    def run() -> tuple[int, str]:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            code = main(argv)
        return code, buffer.getvalue()

    return run


@pytest.fixture
def setting(office: Office, tmp_path: Path) -> dict[str, Path]:  # noqa: F811
    """乙镇.toml in the shared folder (owned by op1), a document to import, another report for the
    roll-up, and a version of 乙镇.toml to restore — everything readable by the group."""
    folder = office.folder
    target = folder / "乙镇.toml"
    shutil.copyfile(EXAMPLES / "dama-2021.toml", target)
    source = folder.parent / "来源.html"
    source.write_text(html_text(evil_report("某某乡人民政府")), encoding="utf-8")
    os.chmod(source, 0o644)
    sums = folder.parent / "各乡"
    sums.mkdir()
    save_report(load_report(EXAMPLES / "dama-2021.toml"), sums / "甲乡.toml")
    for path in (sums, *sums.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    (folder / "年报.toml").unlink()
    for path in (target,):
        os.chown(path, office.op1.uid, office.gov)
        os.chmod(path, 0o660)
    # Warm every command's imports as root: the users' children cannot read root's Python install.
    scratch = tmp_path / "warm"
    scratch.mkdir()
    for argv in (
        ["import", str(source), "-o", str(scratch / "a.toml")],
        ["rollup", str(sums), "-o", str(scratch / "b.toml")],
        ["new", str(scratch / "c.toml"), "--unit", "某某乡人民政府", "--year", "2025"],
        ["new", str(scratch / "c.toml"), "--unit", "某某乡人民政府", "--year", "2025", "--force"],
        ["history", str(scratch / "c.toml")],
        ["restore", str(scratch / "c.toml"), "1"],
    ):
        _command(argv)()
    return {"target": target, "source": source, "sums": sums}


ATTACKS = ["import --force", "rollup --force", "new --force", "restore"]


def _attack(setting: dict[str, Path], name: str) -> list[str]:
    target = str(setting["target"])
    return {
        "import --force": ["import", str(setting["source"]), "-o", target, "--force"],
        "rollup --force": ["rollup", str(setting["sums"]), "-o", target, "--force"],
        "new --force": ["new", target, "--unit", "冒名乡人民政府", "--year", "2025", "--force"],
        "restore": ["restore", target, "1"],
    }[name]


@pytest.mark.parametrize("name", ATTACKS)
def test_a_writer_refuses_while_a_colleague_edits_and_names_them(
    office: Office,  # noqa: F811
    setting: dict[str, Path],
    name: str,
) -> None:
    target = setting["target"]
    as_user(office.op1, lambda: _save_once(target))  # a version for restore to bring back
    before = target.read_bytes()
    editor = Background(office.op1, lambda: EditSession.open(target))  # op1's app, editing
    try:
        code, text = as_user(office.op2, _command(_attack(setting, name)))
        assert target.read_bytes() == before, f"{name} replaced the file being edited: {text}"
        assert code == 2, text
        assert f"正在由 {office.op1.name}" in text and "编辑" in text, text
        assert editor.alive()
    finally:
        editor.stop()


def test_rollup_refuses_an_existing_file_without_force(office: Office, setting: dict[str, Path]) -> None:  # noqa: F811
    target = setting["target"]
    before = target.read_bytes()
    code, text = as_user(office.op2, _command(["rollup", str(setting["sums"]), "-o", str(target)]))
    assert target.read_bytes() == before, text
    assert code == 2 and "已存在" in text and "--force" in text, text


@pytest.mark.parametrize("name", ATTACKS)
def test_a_writer_keeps_the_replaced_content_as_a_version(
    office: Office,  # noqa: F811
    setting: dict[str, Path],
    name: str,
) -> None:
    target = setting["target"]
    original = target.read_bytes()
    if name == "restore":
        as_user(office.op1, lambda: _save_once(target))  # the content restore will replace
    before = target.read_bytes()
    argv = _attack(setting, name)
    if name == "restore":  # the version holding the original content, by its file name
        argv[-1] = next(v.id for v in list_versions(target) if read_version(v) == original)
    code, text = as_user(office.op2, _command(argv))
    assert code in (0, 1), text
    assert target.read_bytes() != before
    if name == "restore":
        assert target.read_bytes() == original
    kept = [read_version(v) for v in list_versions(target)]
    assert before in kept, f"{name}: the replaced content was not kept as a version ({text})"


def _save_once(path: Path) -> None:
    session = EditSession.open(path)
    session.report.texts["other.main"] = "op1 保存过一次"
    session.mark_edited()
    session.save()
    session.close()
