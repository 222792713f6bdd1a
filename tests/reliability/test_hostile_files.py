"""Odd files where a report (or its lock file) should be: a FIFO, a link to /dev/zero, a 6 MB file, a
symlink. Every CLI command, the app's loader, its start screen and its background check must answer
within 2 s with a Chinese message (exit 2 for unreadable input), never hang, never a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

from tui_report.cli import main as cli_main
from tui_report.session import EditSession
from tui_report.storage.errors import NotWritableHereError, ReportFileError
from tui_report.tui import recent

from ._helpers import EXAMPLE

T = TypeVar("T")

LIMIT = 2.0
KINDS = ("fifo", "devzero", "oversized", "symlink")


def _make(kind: str, path: Path, secret: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "devzero":
        path.symlink_to("/dev/zero")
    elif kind == "oversized":
        with path.open("wb") as f:
            f.write(b"[report]\n")
            f.write(b"#" * (6 * 1024 * 1024) + b"\n")
    else:
        path.symlink_to(secret)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    target = private / "secret.toml"
    shutil.copyfile(EXAMPLE, target)
    return target


def _within(limit: float, func: Callable[[], T]) -> tuple[T, str, float]:
    """Run ``func`` in a thread; fail if it has not returned after ``limit`` seconds."""
    result: list[T] = []
    errors: list[BaseException] = []
    out = io.StringIO()

    def target() -> None:
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                result.append(func())
        except BaseException as exc:
            errors.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(limit)
    elapsed = time.monotonic() - started
    assert not worker.is_alive(), f"still running after {limit} s"
    if errors:
        raise errors[0]
    assert result, "returned nothing"
    return result[0], out.getvalue(), elapsed


def _commands(path: Path, out_dir: Path) -> dict[str, list[str]]:
    return {
        "check": ["check", str(path)],
        "check --json": ["check", "--json", str(path)],
        "export": ["export", str(path), "-o", str(out_dir / "x.json")],
        "history": ["history", str(path)],
        "restore": ["restore", str(path), "1"],
        "new --force": ["new", str(path), "--unit", "某乡", "--year", "2025", "--force"],
        "check --last-year": ["check", str(EXAMPLE), "--last-year", str(path)],
        "new --from": ["new", str(out_dir / "n.toml"), "--from", str(path), "--year", "2025"],
    }


@pytest.mark.parametrize("kind", KINDS)
def test_every_cli_command_answers_quickly(kind: str, tmp_path: Path, secret: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    path = folder / "年报.toml"
    _make(kind, path, secret)
    for name, argv in _commands(path, out_dir).items():
        code, text, _ = _within(LIMIT, partial(cli_main, argv))
        assert "Traceback" not in text, (name, text)
        if name == "history":
            assert code == 0, (name, text)  # lists nothing, hangs on nothing
            continue
        assert code == 2, (name, code, text)
        words = ("命名管道", "符号链接", "过大", "不是普通文件") + (
            ("没有找到历史版本",) if name == "restore" else ()
        )
        assert any(word in text for word in words), (name, text)
    # The symlink's target (a private file) was never copied anywhere in the shared folder.
    for found in folder.rglob("*"):
        if found.is_file() and not found.is_symlink():
            assert found.read_bytes() != secret.read_bytes(), found
    assert os.path.lexists(path)  # nothing replaced the odd file either


@pytest.mark.parametrize("kind", KINDS)
def test_folder_commands_skip_odd_files(kind: str, tmp_path: Path, secret: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "正常.toml")
    _make(kind, folder / "怪.toml", secret)
    for argv in (["review", str(folder)], ["roster", str(folder)], ["check", str(folder / "正常.toml")]):
        code, text, _ = _within(LIMIT, partial(cli_main, argv))
        assert "Traceback" not in text, (argv, text)
        assert code in (0, 1, 2), (argv, code, text)


@pytest.mark.parametrize("kind", KINDS)
def test_the_app_loader_start_screen_and_background_check(kind: str, tmp_path: Path, secret: Path) -> None:
    from tui_report.tui.app import make_app

    folder = tmp_path / "shared"
    folder.mkdir()
    good = folder / "正常.toml"
    shutil.copyfile(EXAMPLE, good)
    odd = folder / "怪.toml"
    _make(kind, odd, secret)

    def open_odd() -> None:
        with pytest.raises(ReportFileError):
            make_app(odd)

    _within(LIMIT, open_odd)
    # The start screen lists the folder's reports: the odd one is skipped or summarised as broken.
    listed, _, _ = _within(LIMIT, lambda: [recent.summarize(p) for p in recent.reports_in(folder)])
    assert isinstance(listed, list) and any(s.path == good for s in listed)
    # The background check of an open report whose file is swapped for the odd one.
    session = EditSession.open(good)
    try:
        os.replace(odd, good)
        change, _, _ = _within(LIMIT, session.outside_change)
        assert change is not None and change.kind == "unreadable"
        session.report.texts["other.main"] = "我的修改"
        session.mark_edited()
        with pytest.raises(ReportFileError):
            _within(LIMIT, lambda: session.save(force=True))
    finally:
        session.close()


@pytest.mark.parametrize("kind", ("fifo", "devzero", "symlink"))
def test_odd_lock_file_read_only_still_works(kind: str, report_file: Path, secret: Path) -> None:
    from tui_report.safety.folder import CannotEditError

    locks = report_file.parent / ".locks"
    locks.mkdir()
    _make(kind, locks / f"{report_file.name}.lock", secret)
    with pytest.raises(CannotEditError) as info:
        _within(LIMIT, lambda: EditSession.open(report_file))
    assert "锁文件" in str(info.value) and "restore" not in str(info.value)
    viewer, _, _ = _within(LIMIT, lambda: EditSession.open(report_file, read_only=True))
    assert isinstance(viewer, EditSession)
    viewer.close()
    code, text, _ = _within(LIMIT, lambda: cli_main(["history", str(report_file)]))
    assert code == 0 and "Traceback" not in text
    assert secret.read_bytes() == EXAMPLE.read_bytes()  # nothing written through the link


def test_symlinked_lock_and_version_folders_are_not_followed(report_file: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    (report_file.parent / ".locks").symlink_to(elsewhere)
    with pytest.raises(ReportFileError, match="符号链接"):
        EditSession.open(report_file)
    (report_file.parent / ".locks").unlink()
    session = EditSession.open(report_file)
    # … and one that appears after the report was opened: the save refuses, nothing goes through it.
    (report_file.parent / ".versions").mkdir()
    (report_file.parent / ".versions" / report_file.name).symlink_to(elsewhere)
    session.report.texts["other.main"] = "改动"
    session.mark_edited()
    with pytest.raises(NotWritableHereError, match="符号链接"):
        session.save()
    session.close()
    assert list(elsewhere.iterdir()) == []  # nothing of ours went through the links
    with pytest.raises(ReportFileError, match="符号链接"):
        EditSession.open(report_file)
