"""Two real Unix users in one group on one shared folder: the attacks of issue #9, each blocked.

op2 is a hostile colleague in the same group as op1. As root the test creates both users and the
group (useradd/groupadd) and runs each side in a forked process with that user's ids; without root
it can only skip, and only when ``CI`` is unset (in CI a skipped safety test is a failure).

1. a forged lock record naming op1's (or root's) process: nobody is signalled
2. the report swapped for a symlink to op1's private file: nothing of it reaches the group
6. the report made read-only after opening: the save refuses (another file can be chosen)
7. a folder without setgid: .locks/.versions get the folder's group and 2770
8. a lock file made 0600 / a symlinked .locks: reading still works, nothing written elsewhere
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui_report.host import procinfo
from tui_report.safety.lock import EditLock, LockedError, TakeOverError, end_session, lock_path_for
from tui_report.session import EditSession, OutsideChangeError
from tui_report.storage.errors import ReportFileError

from ._helpers import EXAMPLE, _warm_imports, as_someone

if os.geteuid() != 0:
    if os.environ.get("CI"):
        raise RuntimeError("the two-user safety test needs root in CI (useradd/groupadd)")
    pytest.skip("needs root to create two users and a group", allow_module_level=True)


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    gid: int  # private group
    groups: tuple[int, ...]
    state: Path


@dataclass(frozen=True)
class Office:
    op1: User
    op2: User
    gov: int
    folder: Path


def _cmd(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


@pytest.fixture(scope="module")
def users() -> Iterator[tuple[str, str, str]]:
    suffix = f"{os.getpid() % 100000}"
    group, op1, op2 = f"tgov{suffix}", f"top1{suffix}", f"top2{suffix}"
    _cmd("groupadd", group)
    try:
        for name in (op1, op2):
            _cmd("useradd", "-M", "-U", "-G", group, "-s", "/usr/sbin/nologin", name)
        yield group, op1, op2
    finally:
        for name in (op1, op2):
            subprocess.run(["userdel", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


@pytest.fixture
def office(users: tuple[str, str, str]) -> Iterator[Office]:
    group, name1, name2 = users
    gov = grp.getgrnam(group).gr_gid
    base = Path(tempfile.mkdtemp(prefix="tui-report-2users-", dir="/tmp"))
    os.chmod(base, 0o755)
    made: list[User] = []
    for name in (name1, name2):
        entry = pwd.getpwnam(name)
        state = base / f"state-{name}"
        state.mkdir(mode=0o700)
        os.chown(state, entry.pw_uid, entry.pw_gid)
        made.append(User(name, entry.pw_uid, entry.pw_gid, (entry.pw_gid, gov), state))
    folder = base / "shared"
    folder.mkdir()
    os.chown(folder, 0, gov)
    os.chmod(folder, 0o2770)
    report = folder / "年报.toml"
    shutil.copyfile(EXAMPLE, report)
    os.chown(report, made[0].uid, gov)
    os.chmod(report, 0o660)
    try:
        yield Office(made[0], made[1], gov, folder)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _become(user: User) -> None:
    os.setgroups(list(user.groups))
    os.setresgid(user.gid, user.gid, user.gid)
    os.setresuid(user.uid, user.uid, user.uid)
    os.environ["TUI_REPORT_STATE_DIR"] = str(user.state)
    os.umask(0o007)


def as_user(user: User, func: Callable[[], Any]) -> Any:
    """Run ``func`` as ``user`` in a forked child; its result (or its exception) comes back."""
    _warm_imports()
    return as_someone(user.name, lambda: _become(user), func)


def interleaved(
    user: User, first: Callable[[], Any], then: Callable[[Any], str], meanwhile: Callable[[], None]
) -> str:
    """As ``user`` in one process: ``first()``; the test runs ``meanwhile()`` (a colleague's move);
    then ``then(first's result)``, whose text comes back."""
    _warm_imports()
    up_r, up_w = os.pipe()
    down_r, down_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            _become(user)
            state = first()
            os.write(up_w, b"1")
            os.read(down_r, 1)
            result = then(state)
        except BaseException as exc:
            result = f"{type(exc).__name__}: {exc}"
        os.write(up_w, result.encode("utf-8")[:60000])
        os._exit(0)
    os.close(up_w)
    first_done = os.read(up_r, 1)
    if first_done == b"1":
        meanwhile()
        os.write(down_w, b"G")
    text = first_done[1:] if first_done != b"1" else b""
    while chunk := os.read(up_r, 65536):
        text += chunk
    os.waitpid(pid, 0)
    for fd in (up_r, down_r, down_w):
        os.close(fd)
    return (first_done if first_done != b"1" else b"").decode() + text.decode("utf-8", "replace")


class Background:
    """A long-running process as some user: ``func`` runs, then it waits to be killed."""

    def __init__(self, user: User | None, func: Callable[[], object] = lambda: None) -> None:
        _warm_imports()
        read_fd, write_fd = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.close(read_fd)
            if user is not None:
                _become(user)
            keep = func()  # noqa: F841  (a lock object must stay referenced)
            os.write(write_fd, b"R")
            while True:
                time.sleep(1)
        os.close(write_fd)
        assert os.read(read_fd, 1) == b"R"
        os.close(read_fd)

    def alive(self) -> bool:
        return procinfo.process_alive(self.pid, None)

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _forge(report: Path, victim_uid: int, victim_pid: int, user: str) -> Callable[[], object]:
    def hold_and_forge() -> object:
        lock = EditLock.acquire(report)
        record = {
            "user": user,
            "uid": victim_uid,
            "host": socket.gethostname(),
            "pid": victim_pid,
            "pid_start_ticks": procinfo.pid_start_ticks(victim_pid),
            "heartbeat": procinfo.now_iso(),
        }
        lock_path_for(report).write_text(json.dumps(record), encoding="utf-8")
        return lock

    return hold_and_forge


# ---------------------------------------------------------------------- 1: forged lock records


@pytest.mark.parametrize("victim_is_root", [False, True])
def test_1_a_forged_lock_record_makes_nobody_kill_anything(office: Office, victim_is_root: bool) -> None:
    report = office.folder / "年报.toml"
    victim = Background(None if victim_is_root else office.op1)  # op1's login shell, or root's process
    victim_user = office.op1 if not victim_is_root else None
    uid = 0 if victim_is_root else office.op1.uid
    holder = Background(
        office.op2, _forge(report, uid, victim.pid, "root" if victim_is_root else office.op1.name)
    )
    try:

        def victim_tries_to_take_over() -> tuple[str, bool, list[str]]:
            try:
                EditSession.open(report)
            except LockedError as exc:
                outcomes = []
                claimed = exc.claimed
                assert claimed is not None and claimed.pid == victim.pid
                for attempt in (
                    lambda: EditSession.take_over(report, claimed, timeout=0.5),
                    lambda: end_session(claimed, report_path=report, timeout=0.5),
                ):
                    try:
                        attempt()
                        outcomes.append("signalled")
                    except TakeOverError as refusal:
                        outcomes.append(str(refusal))
                return str(exc), exc.can_take_over, outcomes
            raise AssertionError("the report was not locked")

        if victim_user is not None:
            message, can_take_over, outcomes = as_user(victim_user, victim_tries_to_take_over)
        else:
            message, can_take_over, outcomes = victim_tries_to_take_over()  # root presses K
        assert "锁文件内容不可信" in message and office.op2.name in message, message
        assert not can_take_over
        assert all(o != "signalled" for o in outcomes), outcomes
        assert victim.alive(), "the forged record's process was signalled"
        assert holder.alive()
    finally:
        holder.stop()
        victim.stop()


# ---------------------------------------------------------------------- 2: symlink swap


def test_2_a_report_swapped_for_a_symlink_leaks_nothing(office: Office) -> None:
    report = office.folder / "年报.toml"
    private = office.folder.parent / "home-op1"
    private.mkdir(mode=0o700)
    os.chown(private, office.op1.uid, office.op1.gid)
    secret = private / "secret.txt"
    secret.write_text("[report]\n# 机密：工资表\n", encoding="utf-8")
    os.chown(secret, office.op1.uid, office.op1.gid)
    os.chmod(secret, 0o600)

    def op2_swaps() -> None:
        tmp = office.folder / ".swap"
        tmp.symlink_to(secret)
        os.replace(tmp, report)

    def op1_opens_and_edits() -> EditSession:
        session = EditSession.open(report)
        session.report.texts["other.main"] = "op1 的修改"
        session.mark_edited()
        return session

    def op1_saves_then_overwrites(session: EditSession) -> str:
        with contextlib.suppress(OutsideChangeError):
            session.save()
        try:
            session.save(force=True)  # 覆盖
            return "saved"
        except ReportFileError as exc:
            return str(exc)
        finally:
            session.close()

    # op1 edits; op2 swaps the file meanwhile; op1 saves and chooses 覆盖.
    outcome = interleaved(
        office.op1, op1_opens_and_edits, op1_saves_then_overwrites, lambda: as_user(office.op2, op2_swaps)
    )
    assert outcome != "saved" and "符号链接" in outcome, outcome
    secret_bytes = secret.read_bytes()
    for found in office.folder.rglob("*"):
        if found.is_file() and not found.is_symlink():
            assert found.read_bytes() != secret_bytes, f"the secret leaked into {found}"
    info = os.lstat(report)
    assert stat.S_ISLNK(info.st_mode)  # op1 did not write through it or take the target's mode
    assert secret.stat().st_uid == office.op1.uid and stat.S_IMODE(secret.stat().st_mode) == 0o600


# ---------------------------------------------------------------------- 6: read-only after opening


@pytest.mark.parametrize("who_chmods", ["colleague 640", "owner 440"])
def test_6_a_report_made_read_only_after_opening_is_not_replaced(office: Office, who_chmods: str) -> None:
    report = office.folder / "年报.toml"
    before = report.read_bytes()
    editor, owner = (
        (office.op2, office.op1) if who_chmods.startswith("colleague") else (office.op1, office.op1)
    )
    mode = 0o640 if who_chmods.startswith("colleague") else 0o440

    def edit() -> EditSession:
        session = EditSession.open(report)
        session.report.texts["other.main"] = "改动"
        session.mark_edited()
        return session

    def save(session: EditSession) -> str:
        try:
            session.save()
            return "saved"
        except ReportFileError as exc:
            return type(exc).__name__ + ":" + str(exc)
        finally:
            session.close()

    text = interleaved(editor, edit, save, lambda: as_user(owner, lambda: os.chmod(report, mode)))
    assert text.startswith("NotWritableHereError"), text
    assert "另存为" in text
    assert report.read_bytes() == before


# ---------------------------------------------------------------------- 7: folder without setgid


def test_7_lock_and_version_folders_get_the_folder_s_group(office: Office) -> None:
    os.chmod(office.folder, 0o770)  # group gov, no setgid
    report = office.folder / "年报.toml"

    def save(text: str) -> None:
        session = EditSession.open(report)
        session.report.texts["other.main"] = text
        session.mark_edited()
        session.save()
        session.close()

    as_user(office.op2, lambda: save("op2 先保存"))
    for sub in (
        office.folder / ".locks",
        office.folder / ".versions",
        office.folder / ".versions" / report.name,
    ):
        info = sub.stat()
        assert info.st_gid == office.gov, (sub, info.st_gid)
        assert stat.S_IMODE(info.st_mode) == 0o2770, (sub, oct(info.st_mode))
    as_user(office.op1, lambda: save("op1 接着保存"))  # not locked out
    assert "op1 接着保存" in report.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- 8: odd lock files


def test_8_a_private_lock_file_and_a_symlinked_locks_folder(office: Office) -> None:
    report = office.folder / "年报.toml"
    as_user(office.op2, lambda: EditLock.acquire(report).release())
    lock_file = lock_path_for(report)
    as_user(office.op2, lambda: os.chmod(lock_file, 0o600))

    def op1_opens() -> tuple[str, str]:
        try:
            EditSession.open(report)
        except ReportFileError as exc:
            refused = str(exc)
        else:
            refused = ""
        viewer = EditSession.open(report, read_only=True)
        viewer.close()
        return refused, viewer.report.unit

    refused, unit = as_user(office.op1, op1_opens)
    assert "锁文件" in refused and office.op2.name in refused and "restore" not in refused, refused
    assert unit  # read-only still works

    # A symlinked .locks pointing into op1's home: op1 writes nothing there.
    shutil.rmtree(office.folder / ".locks")
    home = office.folder.parent / "home-op1-b"
    home.mkdir(mode=0o700)
    os.chown(home, office.op1.uid, office.op1.gid)
    as_user(office.op2, lambda: os.symlink(home, office.folder / ".locks"))

    def op1_tries() -> str:
        try:
            EditSession.open(report).close()
            return "opened"
        except ReportFileError as exc:
            return str(exc)

    outcome = as_user(office.op1, op1_tries)
    assert "符号链接" in outcome, outcome
    assert list(home.iterdir()) == []
