"""The recovery journal: private, durable, removed only after a save or an explicit discard."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tui_report.session import EditSession, OutsideChangeError
from tui_report.storage.journal import (
    JournalError,
    ensure_recovery_dir,
    journal_path,
    read_journal,
    read_journal_file,
)

from ._helpers import NOBODY, run_as


def _edit(session: EditSession, text: str, *, commit: bool = True) -> None:
    session.report.texts["other.main"] = text
    session.mark_edited(commit=commit)


def _journaled_text(report: Path) -> str | None:
    entry = read_journal(report)
    return None if entry is None else entry.report().texts.get("other.main")


def test_journal_folder_and_file_are_private(report_file: Path, state_dir: Path) -> None:
    session = EditSession.open(report_file)
    _edit(session, "私密")
    folder = state_dir / "recovery"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(journal_path(report_file).stat().st_mode) == 0o600
    data = json.loads(journal_path(report_file).read_text(encoding="utf-8"))
    assert data["pid"] == os.getpid() and data["base"]["sha256"]
    session.close()


def test_other_users_cannot_read_the_journal(
    report_file: Path, world_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Everything up to the recovery folder is world-readable: only its 0700 keeps others out.
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(world_dir / "state"))
    session = EditSession.open(report_file)
    _edit(session, "只有我能看")
    (world_dir / "state").chmod(0o755)
    journal = journal_path(report_file)
    assert journal.parent == world_dir / "state" / "recovery"

    def peek() -> bytes:
        return journal.read_bytes()

    with pytest.raises(PermissionError):
        run_as(NOBODY, NOBODY, peek)
    assert journal.read_bytes()  # the owner can
    session.close()


def test_a_too_open_recovery_folder_is_made_private(state_dir: Path) -> None:
    (state_dir / "recovery").mkdir(parents=True)
    (state_dir / "recovery").chmod(0o755)
    ensure_recovery_dir()
    assert stat.S_IMODE((state_dir / "recovery").stat().st_mode) == 0o700


def test_a_recovery_folder_owned_by_someone_else_is_refused(report_file: Path, state_dir: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to chown")
    (state_dir / "recovery").mkdir(parents=True)
    os.chown(state_dir / "recovery", NOBODY, NOBODY)
    with pytest.raises(JournalError, match="不属于当前用户"):
        ensure_recovery_dir()
    session = EditSession.open(report_file)
    _edit(session, "写不进恢复记录")  # must not raise …
    assert session.journal_problem is not None and "不属于当前用户" in session.journal_problem  # … but tell
    session.close(discard=True)


def test_typing_is_debounced_commits_are_not(report_file: Path) -> None:
    session = EditSession.open(report_file)
    _edit(session, "一")
    assert _journaled_text(report_file) == "一"
    _edit(session, "一二", commit=False)  # within a second of the last write: waits
    assert _journaled_text(report_file) == "一"
    session.flush()
    assert _journaled_text(report_file) == "一二"
    _edit(session, "一二三", commit=False)
    _edit(session, "一二三四")  # a commit always writes
    assert _journaled_text(report_file) == "一二三四"
    session.close()


def test_journal_removed_after_save_kept_after_close_removed_after_discard(report_file: Path) -> None:
    session = EditSession.open(report_file)
    _edit(session, "保存后删除")
    session.save()
    assert read_journal(report_file) is None

    _edit(session, "关闭时保留")
    session.close()
    assert _journaled_text(report_file) == "关闭时保留"

    session = EditSession.open(report_file)
    recovery = session.pending_recovery()
    assert recovery is not None and recovery.report.texts["other.main"] == "关闭时保留"
    assert [c.key for c in recovery.changes] == ["texts.other.main"]
    assert "发现上次未保存的修改" in recovery.summary
    session.discard_recovery()
    assert read_journal(report_file) is None
    assert session.pending_recovery() is None
    session.close()
    assert "关闭时保留" not in report_file.read_text(encoding="utf-8")


def test_close_with_discard_drops_the_journal(report_file: Path) -> None:
    session = EditSession.open(report_file)
    _edit(session, "不保存")
    session.close(discard=True)
    assert read_journal(report_file) is None


def test_recover_then_save(report_file: Path) -> None:
    session = EditSession.open(report_file)
    _edit(session, "恢复我")
    session.emergency_close()
    session = EditSession.open(report_file)
    recovery = session.recover()
    assert recovery is not None and session.dirty
    assert session.report.texts["other.main"] == "恢复我"
    assert read_journal(report_file) is not None  # still there until saved
    session.save()
    assert read_journal(report_file) is None
    session.close()
    assert "恢复我" in report_file.read_text(encoding="utf-8")


def test_edits_before_deciding_keep_the_older_journal(report_file: Path, state_dir: Path) -> None:
    session = EditSession.open(report_file)
    _edit(session, "旧会话的修改")
    session.emergency_close()
    session = EditSession.open(report_file)
    assert session.pending_recovery() is not None
    _edit(session, "新会话直接开始修改")  # the operator ignored the offer
    older = list((state_dir / "recovery").glob("*.older.json"))
    assert len(older) == 1
    entry = read_journal_file(older[0])
    assert entry is not None and "旧会话的修改" in entry.report_text
    session.close()


def test_damaged_journal_is_set_aside_not_fatal(report_file: Path, state_dir: Path) -> None:
    ensure_recovery_dir()
    journal_path(report_file).write_text("{not json", encoding="utf-8")
    session = EditSession.open(report_file)
    assert session.pending_recovery() is None
    assert list((state_dir / "recovery").glob("*.bad"))
    session.close()


def test_recovery_after_someone_else_saved_shows_both_sides(report_file: Path) -> None:
    session = EditSession.open(report_file)
    session.report.set_cell("requests", "new.natural", 3)
    session.mark_edited()
    session.emergency_close()
    # Meanwhile a colleague (or vim) changes another cell and the same one.
    text = report_file.read_text(encoding="utf-8")
    text = text.replace(
        "[tables.requests.new]\nnatural = 0\ncommercial = 0",
        "[tables.requests.new]\nnatural = 9\ncommercial = 4",
    )
    report_file.write_text(text, encoding="utf-8")

    session = EditSession.open(report_file)
    recovery = session.pending_recovery()
    assert recovery is not None and recovery.file_changed_since
    assert {c.key for c in recovery.theirs} == {
        "tables.requests.new.natural",
        "tables.requests.new.commercial",
    }
    assert [c.key for c in recovery.conflicts] == ["tables.requests.new.natural"]
    assert "此后文件已被他人修改" in recovery.summary
    session.recover()
    with pytest.raises(OutsideChangeError) as info:
        session.save()  # never a silent overwrite of the colleague's numbers
    assert [c.key for c in info.value.change.conflicts] == ["tables.requests.new.natural"]
    conflicts = session.merge_outside()
    assert [c.key for c in conflicts] == ["tables.requests.new.natural"]
    session.save()
    session.close()
    saved = EditSession.open(report_file, read_only=True).report
    assert saved.values["requests"]["new.natural"] == 3  # mine kept in the conflict
    assert saved.values["requests"]["new.commercial"] == 4  # theirs taken


def test_no_committed_edit_is_lost_to_kill_9(report_file: Path) -> None:
    """A child commits edits 1, 2, 3 … and reports each one after ``mark_edited`` returns (the
    moment the screen moves on); killed at random, its journal must hold the last reported edit
    or a later one, and always read back whole."""
    import random
    import signal
    import time

    rng = random.Random(5)
    kills = 60
    for i in range(kills):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(read_fd)
            s = EditSession.open(report_file)
            n = 0
            while True:
                n += 1
                s.report.texts["other.main"] = f"第{n}次修改" + "字" * (n % 7) * 100
                s.mark_edited()
                if s.journal_problem:  # not journaled: say why instead of acknowledging it
                    os.write(write_fd, f"problem: {s.journal_problem}\n".encode())
                    os._exit(1)
                os.write(write_fd, f"{n}\n".encode())
        os.close(write_fd)
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as pipe:
            said = pipe.read().decode().splitlines()
        assert not any(line.startswith("problem") for line in said), (i, said[-1])
        acked = [int(x) for x in said]
        entry = read_journal(report_file)
        if not acked:
            continue
        assert entry is not None, (
            i,
            acked[-1],
            sorted(p.name for p in journal_path(report_file).parent.iterdir()),
        )
        text = entry.report().texts["other.main"]
        journaled = int(text[1 : text.index("次")])
        assert journaled >= acked[-1], (i, journaled, acked[-1])
        session = EditSession.open(report_file)  # the lock is free
        session.discard_recovery()  # start the next round clean
        session.close()


def test_a_journal_already_in_the_saved_file_is_recognised_as_the_own_save(report_file: Path) -> None:
    """Killed between the save and the journal removal: reopening must not call the operator's own
    save someone else's change, nor offer edits that are already in the file."""
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = "已经保存的修改"
    session.mark_edited()
    entry = read_journal(report_file)
    assert entry is not None
    journaled = entry.file.read_bytes()
    session.save()
    session.close()
    entry.file.write_bytes(journaled)  # the journal the kill left behind
    again = EditSession.open(report_file)
    assert again.pending_recovery() is None
    again.close()
    assert read_journal(report_file) is None


def test_the_journal_reaches_the_disk_off_the_keystroke_path(report_file: Path) -> None:
    from tui_report.storage import journal

    session = EditSession.open(report_file)
    synced = journal._SYNCER.synced
    session.report.texts["other.main"] = "先写入，后落盘"
    session.mark_edited()
    entry = read_journal(report_file)  # in the file as soon as mark_edited returns …
    assert entry is not None and "先写入，后落盘" in entry.report_text
    assert journal.wait_synced(5.0)  # … and fsynced by the background thread
    assert journal._SYNCER.synced > synced
    session.close(discard=True)


def _same_as_journal(session: EditSession, report_file: Path) -> bool:
    entry = read_journal(report_file)
    assert entry is not None
    return entry.report().model_dump() == session.report.model_dump()


def test_edit_lines_replay_to_the_report_shown(report_file: Path) -> None:
    """Every kind of edit (count, amount, cleared cell, text with quotes and new lines, removed
    text, preamble) appended as a line reads back as exactly the report in memory."""
    import random
    from decimal import Decimal

    from tui_report.storage import journal

    rng = random.Random(11)
    session = EditSession.open(report_file)
    tpl = session.report.tpl
    cells = [(t, c) for t, compiled in tpl.compiled.items() for c in compiled.input_cells()]
    texts = list(tpl.text_keys())
    for step in range(120):
        table, cell_id = rng.choice(cells)
        kind = tpl.table(table).cells[cell_id].kind
        roll = rng.random()
        if roll < 0.5:
            value = (
                Decimal(f"{rng.randint(0, 999)}.{rng.randint(1, 99)}")
                if kind == "amount"
                else rng.randint(0, 99)
            )
            session.report.set_cell(table, cell_id, value)
        elif roll < 0.65:
            session.report.set_cell(table, cell_id, None)
        elif roll < 0.85:
            session.report.texts[rng.choice(texts)] = f'第{step}次"修改"\n\t"""引号""" \\ 末尾'
        else:
            session.report.texts.pop(rng.choice(texts), None)
        session.mark_edited()
        assert _same_as_journal(session, report_file), f"step {step}"
    assert session._journal.writes == 120 and 0 < session._journal._log_lines < journal.COMPACT_LINES
    session.close(discard=True)


def test_a_torn_last_line_is_ignored(report_file: Path) -> None:
    """A kill -9 during the append can leave part of a line: the edits before it still read."""
    session = EditSession.open(report_file)
    _edit(session, "第一次")
    _edit(session, "第二次")
    file = journal_path(report_file)
    whole = file.read_bytes()
    with open(file, "ab") as out:
        out.write('{"seq": 99, "set": [[["texts", "other", "main"], "撕裂'.encode())
    assert _journaled_text(report_file) == "第二次"
    file.write_bytes(whole + b'{"seq": 99, "set": [[[], 1]]}\n{"seq": 100, "del": [["x"]]}\n')
    assert _journaled_text(report_file) == "第二次"  # not a line of ours: the log ends there
    file.write_bytes(whole[: whole.rindex(b"\n", 0, len(whole) - 1) + 1])  # the last line lost
    assert _journaled_text(report_file) == "第一次"
    session.close(discard=True)


def test_the_snapshot_is_rewritten_every_so_often(report_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_report.storage import journal

    monkeypatch.setattr(journal, "COMPACT_LINES", 3)
    session = EditSession.open(report_file)
    for n in range(8):
        _edit(session, f"第{n}次")
        lines = journal_path(report_file).read_bytes().count(b"\n")
        assert lines == 1 + n % 4  # snapshot, three edit lines, snapshot again …
        assert _journaled_text(report_file) == f"第{n}次"
    session.close(discard=True)


def test_a_journal_moved_away_is_written_whole_again(report_file: Path) -> None:
    """The file is no longer the one we appended to (set aside, deleted, replaced): no edit line
    goes to a file nobody reads."""
    session = EditSession.open(report_file)
    _edit(session, "第一次")
    file = journal_path(report_file)
    file.rename(file.with_name("elsewhere.json"))
    _edit(session, "第二次")
    assert _journaled_text(report_file) == "第二次"
    file.unlink()
    _edit(session, "第三次")
    assert _journaled_text(report_file) == "第三次"
    file.write_bytes(file.read_bytes())  # same content, another inode
    _edit(session, "第四次")
    assert _journaled_text(report_file) == "第四次"
    session.close(discard=True)


def test_a_report_named_in_four_byte_characters_still_gets_a_journal(report_file: Path) -> None:
    """60 characters of a supplementary plane are 240 bytes: cut to 60 characters, the journal's
    name (with its hash and .json) passed the 255-byte limit of a file name and no edit was kept."""
    long_name = report_file.with_name("𠀀" * 60 + ".toml")
    report_file.rename(long_name)
    file = journal_path(long_name)
    assert len(file.name.encode("utf-8")) <= 150 and file.name.startswith("𠀀")
    session = EditSession.open(long_name)
    _edit(session, "很长的文件名")
    assert session.journal_problem is None
    assert _journaled_text(long_name) == "很长的文件名"
    session.close(discard=True)
