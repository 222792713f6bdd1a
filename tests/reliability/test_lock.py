"""The edit lock: one editor per report, owner details for the others, never outliving its process."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tui_report.host import procinfo
from tui_report.safety.lock import (
    EditLock,
    LockedError,
    LockOwner,
    TakeOverError,
    current_owner,
    end_session,
    lock_path_for,
)
from tui_report.session import EditSession, ReadOnlyError

from ._helpers import PY, child_env

HOLDER = Path(__file__).with_name("holder.py")


def _controlling_terminal() -> None:  # pragma: no cover - runs in the child
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Holder:
    def __init__(self, report: Path, *args: str, tty: int | None = None) -> None:
        """``tty``: the slave side of a pty, made the holder's stdin and controlling terminal."""
        self.proc = subprocess.Popen(
            [PY, str(HOLDER), str(report), *args],
            stdin=tty,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
            preexec_fn=_controlling_terminal if tty is not None else None,
        )
        self.sleeper: int | None = None
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("SLEEPER "):
                self.sleeper = int(line.split()[1])
            if line.startswith("READY "):
                break
        else:
            raise AssertionError(
                "holder did not start: " + (self.proc.stderr.read() if self.proc.stderr else "")
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self, sig: int = signal.SIGKILL) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        if self.sleeper is not None:
            with contextlib.suppress(OSError):
                os.kill(self.sleeper, signal.SIGKILL)


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        holder.stop()


def test_lock_records_owner_and_file_stays(report_file: Path) -> None:
    lock = EditLock.acquire(report_file)
    data = json.loads(lock_path_for(report_file).read_text(encoding="utf-8"))
    assert data["pid"] == os.getpid()
    assert data["uid"] == os.geteuid()
    assert data["user"] == procinfo.user_name()
    assert data["host"] == procinfo.host_name()
    assert data["pid_start_ticks"] == procinfo.pid_start_ticks(os.getpid())
    for key in ("tty", "opened_at", "heartbeat", "app_version", "name"):
        assert key in data
    lock.release()
    assert lock_path_for(report_file).exists()  # never deleted
    assert lock_path_for(report_file).read_bytes() == b""  # and names nobody once released
    with EditLock.acquire(report_file):
        pass


def test_second_opener_in_same_process_is_refused(report_file: Path) -> None:
    first = EditSession.open(report_file)
    with pytest.raises(LockedError) as info:
        EditSession.open(report_file)
    assert info.value.owner is not None
    assert info.value.owner.pid == os.getpid()
    assert info.value.can_take_over
    assert "正在由" in str(info.value) and "编辑" in str(info.value)
    first.close()
    EditSession.open(report_file).close()


def test_two_processes_owner_details_read_only_and_sigkill_frees(
    report_file: Path, holders: list[Holder]
) -> None:
    holder = Holder(report_file)
    holders.append(holder)
    with pytest.raises(LockedError) as info:
        EditSession.open(report_file)
    owner = info.value.owner
    assert owner is not None
    assert owner.pid == holder.pid
    assert owner.pid_start_ticks == procinfo.pid_start_ticks(holder.pid)
    assert owner.user == procinfo.user_name()
    assert owner.is_alive()
    assert current_owner(report_file) == owner

    # The second operator can look but not write.
    viewer = EditSession.open(report_file, read_only=True)
    viewer.report.texts["other.main"] = "不该写入"
    viewer.mark_edited()
    with pytest.raises(ReadOnlyError):
        viewer.save()
    assert "不该写入" not in report_file.read_text(encoding="utf-8")
    assert viewer.try_edit() is False

    assert holder.kill(signal.SIGKILL) == -signal.SIGKILL
    assert current_owner(report_file) is None
    assert viewer.try_edit() is True  # the read-only viewer may now edit
    assert not viewer.read_only
    viewer.close()


def test_lock_is_not_inherited_by_child_programs(report_file: Path, holders: list[Holder]) -> None:
    """A program the app starts (LibreOffice for PDF) must not keep the lock alive."""
    holder = Holder(report_file, "--spawn-sleeper")
    holders.append(holder)
    assert holder.sleeper is not None
    holder.kill(signal.SIGKILL)
    assert procinfo.process_alive(holder.sleeper, None)  # the child program still runs …
    EditSession.open(report_file).close()  # … and the lock is free


def test_contention_exactly_one_winner(report_file: Path, tmp_path: Path) -> None:
    """Eight processes race for the lock at one moment. Each imports first and says READY; the
    race starts only when all are ready (a file they poll for), however slow the imports."""
    go = tmp_path / "go"
    code = (
        "import os, sys, time\n"
        "from tui_report.safety.lock import EditLock, LockedError\n"
        "print('READY', flush=True)\n"
        "while not os.path.exists(sys.argv[2]):\n"
        "    time.sleep(0.001)\n"
        "try:\n"
        "    lock = EditLock.acquire(sys.argv[1])\n"
        "except LockedError as exc:\n"
        "    print('LOST', exc.owner.pid if exc.owner else 0, flush=True)\n"
        "else:\n"
        "    print('WON', flush=True)\n"
        "    sys.stdin.read()\n"  # hold the lock until the test has heard from everyone
    )
    procs = [
        subprocess.Popen(
            [PY, "-c", code, str(report_file), str(go)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        for _ in range(8)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        go.touch()
        results = {}
        for proc in procs:
            assert proc.stdout is not None
            results[proc.pid] = proc.stdout.readline().split()
    finally:
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)
            if proc.stdout is not None:
                proc.stdout.close()
    winners = [pid for pid, out in results.items() if out[0] == "WON"]
    assert len(winners) == 1
    for pid, out in results.items():
        if pid != winners[0]:
            assert out == ["LOST", str(winners[0])]  # every loser was told who won


def test_take_over_own_dropped_session_journals_its_edits(report_file: Path, holders: list[Holder]) -> None:
    holder = Holder(report_file, "--edit", "第一句", "--pending", "第一句，第二句")
    holders.append(holder)
    with pytest.raises(LockedError) as info:
        EditSession.open(report_file)
    assert info.value.can_take_over and info.value.owner is not None
    session = EditSession.take_over(report_file, info.value.owner)
    assert holder.proc.wait(timeout=5) == 128 + signal.SIGTERM
    recovery = session.pending_recovery()
    assert recovery is not None
    # Both the committed edit and the debounced one (flushed by the SIGTERM handler) are there.
    assert recovery.report.texts["other.main"] == "第一句，第二句"
    session.recover()
    session.save()
    session.close()
    assert "第一句，第二句" in report_file.read_text(encoding="utf-8")


def test_take_over_escalates_to_sigkill_for_a_hung_session(report_file: Path, holders: list[Holder]) -> None:
    holder = Holder(report_file, "--edit", "已提交", "--ignore-term")
    holders.append(holder)
    owner = current_owner(report_file)
    assert owner is not None and owner.pid == holder.pid
    result = end_session(owner, report_path=report_file, timeout=0.5)
    assert result.signalled == "SIGTERM+SIGKILL"
    assert holder.proc.wait(timeout=5) == -signal.SIGKILL
    session = EditSession.open(report_file)
    recovery = session.pending_recovery()
    assert recovery is not None and recovery.report.texts["other.main"] == "已提交"
    session.close()


def test_take_over_refuses_other_users_and_reused_pids(report_file: Path) -> None:
    me = LockOwner.me()
    other_user = LockOwner(**{**me.__dict__, "uid": me.uid + 12345, "user": "lisi"})
    with pytest.raises(TakeOverError, match="只能结束自己的会话"):
        end_session(other_user)
    other_host = LockOwner(**{**me.__dict__, "host": "another-server"})
    with pytest.raises(TakeOverError, match="另一台服务器"):
        end_session(other_host)
    # Our own pid with other start ticks: the pid was reused, nothing must be signalled.
    reused = LockOwner(**{**me.__dict__, "pid_start_ticks": (me.pid_start_ticks or 0) + 1})
    assert end_session(reused).notes == ["旧会话已经结束"]


def test_heartbeat_updates(report_file: Path) -> None:
    lock = EditLock.acquire(report_file)
    old = json.loads(lock_path_for(report_file).read_text(encoding="utf-8"))
    old["heartbeat"] = "2020-01-01T00:00:00+08:00"
    # Put a stale record in the file: only the heartbeat thread can replace it.
    lock_path_for(report_file).write_text(json.dumps(old), encoding="utf-8")
    lock.start_heartbeat(interval=0.05)
    deadline = time.monotonic() + 10
    beat = old["heartbeat"]
    while time.monotonic() < deadline:
        beat = json.loads(lock_path_for(report_file).read_text(encoding="utf-8") or "{}").get("heartbeat")
        if beat not in (None, old["heartbeat"]):
            break
        time.sleep(0.02)
    lock.release()
    assert beat not in (None, old["heartbeat"]), "the heartbeat never arrived"
    recent = procinfo.parse_iso(str(beat))
    assert recent is not None and (datetime.now().astimezone() - recent).total_seconds() < 60
    assert LockOwner.from_json({"pid": "x"}) is None
    assert LockOwner.from_json([1]) is None


def test_contenders_are_told_system_facts_and_a_quiet_terminal(
    report_file: Path, holders: list[Holder]
) -> None:
    """Who, where and since when come from the system (pwd, /proc), the idle time from the
    terminal's own access time — never from the record, which says "active" as long as it likes."""
    master, slave = os.openpty()
    try:
        holder = Holder(report_file, tty=slave)
        holders.append(holder)
        tty = os.ttyname(slave)
        hours_ago = time.time() - 7200
        os.utime(tty, (hours_ago, hours_ago))
        record = json.loads(lock_path_for(report_file).read_text(encoding="utf-8"))
        record.update(heartbeat=procinfo.now_iso(), name="县政务公开办主任", ssh_client="10.0.0.1")
        lock_path_for(report_file).write_text(json.dumps(record), encoding="utf-8")  # root may
        with pytest.raises(LockedError) as info:
            EditSession.open(report_file)
        message = str(info.value)
        facts = procinfo.process_facts(holder.pid)
        assert facts is not None and facts.tty == tty.removeprefix("/dev/")
        assert f"正在由 {facts.who()} 编辑（{facts.tty}，" in message, message
        assert "终端 2 小时无输入" in message and "可能已断线" in message, message
        assert "县政务公开办主任" not in message and "10.0.0.1" not in message
    finally:
        os.close(master)
        os.close(slave)


def test_lock_released_on_normal_exit_without_release(report_file: Path) -> None:
    code = "import sys\nfrom tui_report.safety.lock import EditLock\nEditLock.acquire(sys.argv[1])\n"
    subprocess.run([PY, "-c", code, str(report_file)], check=True, env=child_env(), timeout=30)
    EditSession.open(report_file).close()


def test_wait_gets_the_lock_when_it_frees(report_file: Path) -> None:
    code = (
        "import sys, time\nfrom tui_report.safety.lock import EditLock\n"
        "lock = EditLock.acquire(sys.argv[1])\nprint('HELD', flush=True)\ntime.sleep(0.5)\n"
    )
    proc = subprocess.Popen(
        [PY, "-c", code, str(report_file)], stdout=subprocess.PIPE, text=True, env=child_env()
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "HELD"
    with pytest.raises(LockedError):
        EditSession.open(report_file)
    session = EditSession.open(report_file, wait=20)
    proc.wait(timeout=10)
    proc.stdout.close()
    session.close()


def test_unknown_owner_when_lock_file_unreadable(report_file: Path) -> None:
    lock = EditLock.acquire(report_file)
    lock_path_for(report_file).write_bytes(b"\x00garbage")
    with pytest.raises(LockedError) as info:
        EditLock.acquire(report_file)
    assert info.value.owner is None
    assert "无法读取使用者信息" in str(info.value)
    # Who really holds it is what the kernel says (the dialog names that process's user).
    holder = info.value.holder
    assert holder is not None and holder.pid == os.getpid()
    lock.release()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_turning_a_session_read_only_gives_the_lock_up(report_file: Path) -> None:
    session = EditSession.open(report_file)
    session.read_only = True  # what the app does for "open read-only" from its start screen
    other = EditSession.open(report_file)  # free for someone else now
    with pytest.raises(LockedError):
        session.read_only = False
    other.close()
    session.read_only = False  # takes the lock again (and reloads)
    assert session.lock is not None and session.lock.held
    session.close()


def test_heartbeat_is_the_last_edit(report_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    session = EditSession.open(report_file)
    first = json.loads(lock_path_for(report_file).read_text(encoding="utf-8"))["heartbeat"]
    assert session.lock is not None
    session.lock._last_beat -= 61  # a minute without edits
    monkeypatch.setattr(procinfo, "now_iso", lambda: "2030-01-01T00:00:00+08:00")
    session.report.texts["other.main"] = "一次修改"
    session.mark_edited()
    assert (
        json.loads(lock_path_for(report_file).read_text(encoding="utf-8"))["heartbeat"]
        == "2030-01-01T00:00:00+08:00"
    )
    assert first != "2030-01-01T00:00:00+08:00"
    session.close()


def test_a_forged_record_is_not_trusted_and_nothing_is_signalled(
    report_file: Path, holders: list[Holder]
) -> None:
    """The lock file is group-writable: its JSON may name any process. Only the kernel's view
    (who holds the flock, as which user) decides whether anything may be signalled."""
    holder = Holder(report_file)
    holders.append(holder)
    bystander = subprocess.Popen(["sleep", "60"])  # "my login shell"
    try:
        forged = {**json.loads(lock_path_for(report_file).read_text(encoding="utf-8"))}
        forged.update(pid=bystander.pid, pid_start_ticks=procinfo.pid_start_ticks(bystander.pid))
        lock_path_for(report_file).write_text(json.dumps(forged), encoding="utf-8")
        with pytest.raises(LockedError) as info:
            EditSession.open(report_file)
        assert "锁文件内容不可信" in str(info.value) and str(holder.pid) in str(info.value)
        assert info.value.owner is None and not info.value.can_take_over
        claimed = info.value.claimed
        assert claimed is not None and claimed.pid == bystander.pid
        with pytest.raises(TakeOverError, match="不可信"):
            EditSession.take_over(report_file, claimed, timeout=0.5)
        with pytest.raises(TakeOverError):
            end_session(claimed)  # without the report to verify against: refused too
        assert bystander.poll() is None and holder.proc.poll() is None  # nobody was signalled
    finally:
        bystander.kill()
        bystander.wait()
