"""Shared folders: refused before typing when a save would fail, with the reason in Chinese.

These run the check as an unprivileged user (root passes every permission check), in a folder
outside pytest's private tmp tree.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tui_report.safety.folder import CannotEditError, check_can_save, filesystem_type
from tui_report.session import EditSession

from ._helpers import EXAMPLE, NOBODY, run_as


def _report_in(folder: Path, *, owner: int = 0, mode: int = 0o666) -> Path:
    path = folder / "年报.toml"
    shutil.copyfile(EXAMPLE, path)
    os.chown(path, owner, owner)
    path.chmod(mode)
    return path


@pytest.fixture
def state_for_nobody(world_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = world_dir / "nobody-state"
    state.mkdir()
    os.chown(state, NOBODY, NOBODY)
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(state))
    return state


def test_unwritable_folder_is_refused_and_read_only_offered(world_dir: Path, state_for_nobody: Path) -> None:
    folder = world_dir / "county"
    folder.mkdir(mode=0o755)  # root's folder; nobody may read, not write
    path = _report_in(folder)

    def try_open() -> str:
        try:
            EditSession.open(path)
        except CannotEditError as exc:
            assert EditSession.open(path, read_only=True).read_only  # looking is fine
            return str(exc)
        return "opened"

    message = run_as(NOBODY, NOBODY, try_open)
    assert "没有在文件夹" in message and "写入的权限" in message and "chmod 2770" in message
    assert not (folder / ".locks").exists()  # refused before anything was created


def test_sticky_folder_with_a_colleagues_file_is_refused(world_dir: Path, state_for_nobody: Path) -> None:
    folder = world_dir / "sticky"
    folder.mkdir()
    folder.chmod(0o1777)  # like /tmp
    path = _report_in(folder, owner=0, mode=0o666)  # the colleague (root) lets everyone write

    def kernel_refuses_replace() -> bool:
        tmp = folder / "mine.tmp"
        tmp.write_text("x")
        try:
            os.replace(tmp, path)
        except PermissionError:
            return True
        finally:
            tmp.unlink(missing_ok=True)
        return False

    # The premise: Linux refuses to replace another user's file in a sticky folder …
    assert run_as(NOBODY, NOBODY, kernel_refuses_replace)

    def try_open() -> list[str]:
        try:
            EditSession.open(path)
        except CannotEditError as exc:
            return exc.reasons
        return []

    # … so the app refuses before typing starts, and says why.
    (reason,) = run_as(NOBODY, NOBODY, try_open)
    assert "粘滞位" in reason and "chmod -t" in reason


def test_sticky_folder_with_my_own_file_is_fine(world_dir: Path, state_for_nobody: Path) -> None:
    folder = world_dir / "sticky-own"
    folder.mkdir()
    folder.chmod(0o1777)
    path = _report_in(folder, owner=NOBODY, mode=0o644)

    def open_edit_save() -> str:
        session = EditSession.open(path)
        session.report.texts["other.main"] = "粘滞位下保存自己的文件"
        session.mark_edited()
        session.save()
        session.close()
        return path.read_text(encoding="utf-8")

    assert "粘滞位下保存自己的文件" in run_as(NOBODY, NOBODY, open_edit_save)


def test_read_only_report_is_refused(world_dir: Path, state_for_nobody: Path) -> None:
    folder = world_dir / "open"
    folder.mkdir()
    folder.chmod(0o777)
    path = _report_in(folder, owner=0, mode=0o644)

    def reasons() -> list[str]:
        return check_can_save(path).problems

    (reason,) = run_as(NOBODY, NOBODY, reasons)
    assert "只读" in reason and "chmod g+w" in reason


def test_group_member_can_edit_in_a_2770_folder(world_dir: Path, state_for_nobody: Path) -> None:
    """The recommended setup: group folder 2770, files 0660; a colleague in the group edits."""
    folder = world_dir / "nianbao"
    folder.mkdir()
    os.chown(folder, 0, NOBODY)
    folder.chmod(0o2770)
    path = _report_in(folder, owner=0, mode=0o660)
    os.chown(path, 0, NOBODY)

    def edit_as_group_member() -> tuple[int, int, list[str]]:
        session = EditSession.open(path)
        session.report.texts["other.main"] = "组员保存"
        session.mark_edited()
        session.save()
        session.close()
        info = path.stat()
        return info.st_mode & 0o7777, info.st_gid, check_can_save(path).warnings

    mode, gid, warnings = run_as(NOBODY, NOBODY, edit_as_group_member)
    assert mode == 0o660 and gid == NOBODY and warnings == []
    assert "组员保存" in path.read_text(encoding="utf-8")


def test_missing_folder_and_odd_paths(tmp_path: Path) -> None:
    assert "不存在" in check_can_save(tmp_path / "nope" / "a.toml").problems[0]
    (tmp_path / "dir.toml").mkdir()
    assert "不是普通文件" in check_can_save(tmp_path / "dir.toml").problems[0]
    target = tmp_path / "real.toml"
    shutil.copyfile(EXAMPLE, target)
    (tmp_path / "link.toml").symlink_to(target)
    assert "符号链接" in check_can_save(tmp_path / "link.toml").problems[0]
    with pytest.raises(CannotEditError):
        EditSession.open(tmp_path / "link.toml")
    assert check_can_save(target).ok


def test_filesystem_type_is_found() -> None:
    assert filesystem_type(Path("/proc")) == "proc"
    assert filesystem_type(Path("/")) is not None
