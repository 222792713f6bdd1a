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
9b. In the layout `tui-report setup` makes (one group and folder per unit, the year folder root's),
    one unit cannot remove another's report or versions, rename its folder, plant a folder, or
    write the roster or the reviewers' .review/.
9c. The reviewers read every unit (also what is saved later) and write only .review/; operators
    read .review/; an outsider reads nothing; doctor finds no deviation.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_report.host import procinfo
from tui_report.safety.lock import LockedError, TakeOverError, lock_path_for
from tui_report.session import EditSession, OutsideChangeError
from tui_report.storage.errors import ReportFileError

from . import test_two_users
from ._helpers import EXAMPLE, child_env
from .test_two_users import Background, Office, User, as_user, interleaved

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


# ---------------------------------------------------------------------- 9: the layout `setup` makes


@dataclass(frozen=True)
class County:
    year: Path
    jia: User  # unit 甲乡
    jia2: User  # a second operator of 甲乡 (two users in one group)
    yi: User  # unit 乙镇
    reviewer: User
    outsider: User


def _user(name: str, groups: tuple[str, ...], base: Path) -> User:
    entry = pwd.getpwnam(name)
    state = base / f"state-{name}"
    state.mkdir(mode=0o700)
    os.chown(state, entry.pw_uid, entry.pw_gid)
    gids = tuple(grp.getgrnam(g).gr_gid for g in groups)
    return User(name, entry.pw_uid, entry.pw_gid, (entry.pw_gid, *gids), state)


@pytest.fixture(scope="module")
def county() -> Iterator[County]:
    """`tui-report setup --apply` from a roster: 甲乡 (two operators), 乙镇, the reviewers' group,
    and an outsider in none of them."""
    suffix = f"{os.getpid() % 100000}"
    names = {k: f"t{k}{suffix}" for k in ("a1", "a2", "b", "r", "o")}
    groups = {"jia": f"tgj{suffix}", "yi": f"tgy{suffix}", "shenhe": f"tgr{suffix}"}
    for name in names.values():
        subprocess.run(
            ["useradd", "-M", "-U", "-s", "/usr/sbin/nologin", name], check=True, capture_output=True
        )
    base = Path(tempfile.mkdtemp(prefix="tui-report-county-", dir="/tmp"))
    os.chmod(base, 0o755)
    roster = base / "roster.toml"
    roster.write_text(
        f'[layout]\nreviewers = "{groups["shenhe"]}"\nreviewer_users = ["{names["r"]}"]\n\n'
        f'[[units]]\nname = "甲乡人民政府"\nfolder = "甲乡"\ngroup = "{groups["jia"]}"\n'
        f'operators = ["{names["a1"]}", "{names["a2"]}"]\n\n'
        f'[[units]]\nname = "乙镇人民政府"\nfolder = "乙镇"\ngroup = "{groups["yi"]}"\n'
        f'operators = ["{names["b"]}"]\n',
        encoding="utf-8",
    )
    year = base / "2025"
    try:
        dry = _cli("setup", str(year), "--roster", str(roster))
        assert "--apply" in dry and not year.exists(), dry  # a dry run changes nothing
        applied = _cli("setup", str(year), "--roster", str(roster), "--apply")
        assert "检查通过" in applied, applied
        for unit, folder in (("甲乡人民政府", "甲乡"), ("乙镇人民政府", "乙镇")):
            report = year / folder / "2025年报.toml"
            shutil.copyfile(EXAMPLE, report)
            text = report.read_text(encoding="utf-8").replace("尉氏县大马乡人民政府", unit)
            report.write_text(text, encoding="utf-8")
            os.chown(report, 0, grp.getgrnam(groups["jia" if folder == "甲乡" else "yi"]).gr_gid)
            os.chmod(report, 0o660)
        yield County(
            year,
            _user(names["a1"], (groups["jia"],), base),
            _user(names["a2"], (groups["jia"],), base),
            _user(names["b"], (groups["yi"],), base),
            _user(names["r"], (groups["shenhe"],), base),
            _user(names["o"], (), base),
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
        for name in names.values():
            subprocess.run(["userdel", name], capture_output=True, check=False)
            subprocess.run(["groupdel", name], capture_output=True, check=False)
        for group in groups.values():
            subprocess.run(["groupdel", group], capture_output=True, check=False)


def _attempt(action: Callable[[], object]) -> Callable[[], str]:
    def attempt() -> str:
        try:
            action()
        except OSError as exc:
            return f"refused: {exc.strerror}"
        return "done"

    return attempt


def test_9b_no_unit_can_remove_or_swap_another_unit_s_report(county: County) -> None:
    """Issue #20: in the documented layout several townships shared one group, so one could `rm`
    another's report and its .versions, and a group-writable parent let anyone swap a folder."""
    jia = county.year / "甲乡"

    def jia_saves() -> None:  # 甲乡 has a report with versions, as after a day's work
        session = EditSession.open(jia / "2025年报.toml")
        session.report.texts["other.main"] = "甲乡的修改"
        session.mark_edited()
        session.save()
        session.close()

    as_user(county.jia, jia_saves)
    versions = jia / ".versions" / "2025年报.toml"
    assert any(versions.iterdir())
    for attack in (
        lambda: os.unlink(jia / "2025年报.toml"),
        lambda: shutil.rmtree(versions),
        lambda: os.rename(jia, county.year / "甲乡.old"),
        lambda: os.symlink("/tmp", county.year / "丙乡"),
        lambda: (county.year / "roster.toml").write_text("[[units]]\n", encoding="utf-8"),
        lambda: (county.year / ".review" / "通过.toml").write_text("approved = true\n", encoding="utf-8"),
    ):
        assert as_user(county.yi, _attempt(attack)).startswith("refused"), attack
    assert (jia / "2025年报.toml").is_file() and any(versions.iterdir())
    # Within the unit, the two operators share the folder (and the lock): the second saves too.
    as_user(county.jia2, jia_saves)


def test_9c_reviewers_read_every_unit_and_nobody_else_does(county: County) -> None:
    """The reviewers read each unit's reports — also what is saved after the set-up (default
    ACLs) — and write only .review/; an operator reads .review/; an outsider reads nothing."""

    def review() -> list[dict[str, object]]:
        from tui_report.review.columns import row_json
        from tui_report.review.desk import review_folder

        return [row_json(row) for row in review_folder(county.year).rows]

    rows = as_user(county.reviewer, review)
    assert {(r["unit"], r["file"], r["state_code"] != "unreadable") for r in rows} == {
        ("甲乡人民政府", "甲乡/2025年报.toml", True),
        ("乙镇人民政府", "乙镇/2025年报.toml", True),
    }, rows
    saved_later = county.year / "乙镇" / "2025年报.toml"
    as_user(county.yi, lambda: EditSession.open(saved_later).save(force=True))
    assert as_user(county.reviewer, lambda: len(saved_later.read_bytes())) > 0
    assert as_user(county.reviewer, _attempt(lambda: saved_later.write_text("x"))).startswith("refused")
    note = county.year / ".review" / "意见.txt"
    assert as_user(county.reviewer, _attempt(lambda: note.write_text("请核实", encoding="utf-8"))) == "done"
    assert as_user(county.yi, lambda: note.read_text(encoding="utf-8")) == "请核实"
    assert as_user(county.yi, _attempt(lambda: note.write_text("已通过", encoding="utf-8"))).startswith(
        "refused"
    )
    for secret in (saved_later, county.year / "甲乡" / "2025年报.toml", note, county.year / "roster.toml"):
        assert as_user(county.outsider, _attempt(secret.read_bytes)).startswith("refused"), secret
    assert as_user(county.jia, _attempt(saved_later.read_bytes)).startswith("refused")  # another unit
    doctor = _cli("doctor", str(county.year), "--no-render")
    layout = doctor.split("共享文件夹")[1].split("SSH 服务")[0].splitlines()
    assert [line for line in layout if "✗" in line and "umask" not in line] == [], doctor
    assert sum("2770，审核组" in line for line in layout) == 2, doctor
