"""Issue #20, item 6: lock records, tried by a hostile colleague (real users, as in
test_two_users.py; as root, skipped only outside CI).

6a. A colleague rewrites a live record's user name, full name, SSH client and heartbeat (pid, uid,
    start kept): nothing of it is shown as fact — not by ``history``, ``review --json``, nor in the
    text the app's lock dialog shows (``LockedError``).
6b. A hard link ``.locks/甲.toml.lock`` → ``.locks/乙.toml.lock`` while op1 edits 甲: opening 乙
    must not offer 接管, and taking over must not end op1's session on 甲.

Item 9 (the layout):

9a. In a group-writable parent folder a colleague swaps the report's folder for a symlink to op1's
    home after op1 opened the report: the save is refused, nothing lands in the home.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.host import procinfo
from tui_report.safety.lock import LockedError, TakeOverError, lock_path_for
from tui_report.session import EditSession, OutsideChangeError
from tui_report.storage.errors import ReportFileError

from . import test_two_users
from ._helpers import EXAMPLE, child_env
from .test_two_users import Background, Office, as_user, interleaved

# The real users, their group and shared folder of the two-user tests (fixtures).
users = test_two_users.users
office = test_two_users.office

FORGED = {"user": "zhangsan", "name": "县政务公开办主任", "ssh_client": "10.9.9.9"}


@pytest.fixture(autouse=True, scope="module")
def full_name(users: tuple[str, str, str]) -> Iterator[None]:
    """op1's account carries a full name (GECOS), as an administrator sets it."""
    subprocess.run(["usermod", "-c", "甲操作员", users[1]], check=True, capture_output=True)
    yield
    subprocess.run(["usermod", "-c", "", users[1]], check=False, capture_output=True)


def _report(office: Office, name: str) -> Path:
    path = office.folder / name
    shutil.copyfile(EXAMPLE, path)
    os.chown(path, office.op1.uid, office.gov)
    os.chmod(path, 0o660)
    return path


def _cli(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tui_report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
        check=False,
    )
    return result.stdout + result.stderr


def test_6a_a_rewritten_lock_record_is_never_shown_as_fact(office: Office) -> None:
    report = office.folder / "年报.toml"
    editing = Background(office.op1, lambda: EditSession.open(report))
    try:
        lock_file = lock_path_for(report)

        def forge() -> str:
            record = json.loads(lock_file.read_text(encoding="utf-8"))
            record.update(FORGED, heartbeat=procinfo.now_iso())
            try:
                lock_file.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                return f"refused: {exc}"
            return "rewritten"

        by_colleague = as_user(office.op2, forge)
        if by_colleague != "rewritten":
            # The file system stopped op2; op1 can still write anything into a record of his own.
            assert as_user(office.op1, forge) == "rewritten"

        def op2_opens() -> str:
            try:
                EditSession.open(report)
            except LockedError as exc:
                return exc.reason  # what the app's lock dialog shows
            return "opened"

        dialog = as_user(office.op2, op2_opens)
        history = _cli("history", str(report))
        review = _cli("review", str(office.folder), "--json")
        rows = [json.loads(line) for line in review.splitlines() if line.startswith("{")]
        editing_by = [row["editing_by"] for row in rows if row["editing_by"]]
        for shown in (dialog, history, *editing_by):
            for claim in FORGED.values():
                assert claim not in shown, shown
        assert f"正在由 甲操作员（{office.op1.name}） 编辑" in dialog, dialog
        assert f"正在由 甲操作员（{office.op1.name}） 编辑" in history, history
        assert editing_by == [f"甲操作员（{office.op1.name}）"], review
        assert editing.alive()
    finally:
        editing.stop()


def test_6b_a_hard_linked_lock_file_offers_no_take_over(office: Office) -> None:
    first, second = _report(office, "甲.toml"), _report(office, "乙.toml")
    editing = Background(office.op1, lambda: EditSession.open(first))
    try:

        def link() -> str:
            try:
                os.link(lock_path_for(first), lock_path_for(second))
            except OSError as exc:
                return f"refused: {exc}"
            return "linked"

        if as_user(office.op2, link) != "linked":
            # fs.protected_hardlinks stopped op2 (the lock file is no longer group-writable);
            # a server without it, or op1's own slip, still makes the link.
            assert link() == "linked"

        def op1_opens_second() -> tuple[str, bool, str]:
            try:
                EditSession.open(second).close()
            except LockedError as exc:
                outcome = "no record"
                if exc.claimed is not None:
                    try:
                        EditSession.take_over(second, exc.claimed, timeout=1.0).close()
                        outcome = "took over"
                    except TakeOverError as refusal:
                        outcome = str(refusal)
                return exc.reason, exc.can_take_over, outcome
            return "opened", False, ""

        message, can_take_over, outcome = as_user(office.op1, op1_opens_second)
        assert not can_take_over, message
        assert "链接" in message and "锁文件内容不可信" in message, message
        assert outcome != "took over", outcome
        assert editing.alive(), "op1's session on 甲 was ended"
    finally:
        editing.stop()
    # Once 甲's session is gone, 乙 opens, and its lock file is made its own again.
    as_user(office.op1, lambda: EditSession.open(second).close())
    assert lock_path_for(second).stat().st_nlink == 1
    assert lock_path_for(first).stat().st_nlink == 1


# ---------------------------------------------------------------------- 9: the folder swapped


def test_9a_a_folder_swapped_for_a_link_after_opening_gets_no_save(office: Office) -> None:
    """In a group-writable parent a colleague can `mv 2025 2025.real; ln -s /home/op1 2025` while
    op1 edits 2025/年报.toml: the save must not go into op1's home (or anywhere but the folder
    the report was loaded from) — it is refused, the edits stay in the journal."""
    year = office.folder / "2025"
    year.mkdir()
    os.chown(year, 0, office.gov)
    os.chmod(year, 0o2770)
    report = _report(office, "2025/年报.toml")
    before = report.read_bytes()
    home = office.folder.parent / "home-op1-c"
    home.mkdir(mode=0o700)
    os.chown(home, office.op1.uid, office.op1.gid)

    def op1_edits() -> EditSession:
        session = EditSession.open(report)
        session.report.texts["other.main"] = "op1 的修改"
        session.mark_edited()
        return session

    def op1_saves(session: EditSession) -> str:
        try:
            try:
                session.save()
            except OutsideChangeError:
                session.save(force=True)  # 覆盖
            return "saved"
        except ReportFileError as exc:
            return str(exc)
        finally:
            session.close()

    def op2_swaps() -> None:
        os.rename(year, office.folder / "2025.real")
        os.symlink(home, year)

    outcome = interleaved(office.op1, op1_edits, op1_saves, lambda: as_user(office.op2, op2_swaps))
    assert outcome != "saved" and "符号链接" in outcome, outcome
    assert list(home.iterdir()) == [], "the save went into op1's home"
    assert (office.folder / "2025.real" / "年报.toml").read_bytes() == before
