"""Figures for "safe among colleagues on one server" (issue #9), each attack tried many times.

- attacks: every attack of the issue, run as it was found (two real users when run as root), tried
  N times; "blocked" = the scenario's assertions held (nobody signalled, nothing leaked, nothing
  hung, nothing lost, a Chinese message);
- kills during save: the save loop killed at random points (≥ 200): report and versions whole, and
  after a kill between the save and the journal removal the reopened report does not claim someone
  else changed it (the operator's own save is recognised);
- kill -9 during edits (≥ 200): every acknowledged edit is in the journal although its fsync runs
  in the background (issue #11);
- journal per committed edit: written before the screen confirms it, fsync in the background
  (this build) beside the same write with the fsync on the keystroke path (the baseline, as before).

Run as root (creates two users and a group, removed afterwards):
    PYTHONPATH=src python benchmarks/bench_safety.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import io
import os
import pwd
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_reliability import summary  # noqa: E402
from tui_report.cli import main as cli_main  # noqa: E402
from tui_report.host import procinfo  # noqa: E402
from tui_report.session import EditSession  # noqa: E402
from tui_report.storage.errors import ReportFileError  # noqa: E402
from tui_report.storage.journal import read_journal  # noqa: E402
from tui_report.storage.reportfile import dumps_report, load_report  # noqa: E402
from tui_report.storage.versions import list_versions  # noqa: E402

EXAMPLE = ROOT / "examples" / "dama-2021.toml"
ROWS: list[tuple[str, int, int, str]] = []


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="bench-safety-", dir="/tmp"))
    os.chmod(folder, 0o755)
    old = os.environ.get("TUI_REPORT_STATE_DIR")
    os.environ["TUI_REPORT_STATE_DIR"] = str(folder / "state")
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("TUI_REPORT_STATE_DIR", None)
        else:
            os.environ["TUI_REPORT_STATE_DIR"] = old
        shutil.rmtree(folder, ignore_errors=True)


def shared_report(folder: Path) -> Path:
    (folder / "shared").mkdir()
    path = folder / "shared" / "年报.toml"
    shutil.copyfile(EXAMPLE, path)
    return path


def attempt(name: str, tries: int, scenario: Callable[[Path], None]) -> None:
    """Run ``scenario`` ``tries`` times in fresh folders; it raises when the attack got through."""
    blocked = 0
    last = ""
    for _ in range(tries):
        with (
            scratch() as folder,
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            try:
                scenario(folder)
                blocked += 1
            except BaseException as exc:  # an attack that got through, or a hang caught by a deadline
                last = f"{type(exc).__name__}: {str(exc)[:120]}"
    ROWS.append((name, tries, blocked, last))
    print(f"  {name}: blocked {blocked}/{tries}" + (f"  (last failure: {last})" if last else ""), flush=True)


# ---------------------------------------------------------------------- two real users (root)


@contextlib.contextmanager
def two_users() -> Iterator[tuple[str, str, str]]:
    suffix = f"{os.getpid() % 100000}"
    names = (f"bgov{suffix}", f"bop1{suffix}", f"bop2{suffix}")
    subprocess.run(["groupadd", names[0]], check=True, capture_output=True)
    try:
        for name in names[1:]:
            subprocess.run(
                ["useradd", "-M", "-U", "-G", names[0], "-s", "/usr/sbin/nologin", name],
                check=True,
                capture_output=True,
            )
        yield names
    finally:
        for name in names[1:]:
            subprocess.run(["userdel", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
        subprocess.run(["groupdel", names[0]], capture_output=True)


def office_in(folder: Path, names: tuple[str, str, str]):  # type: ignore[no-untyped-def]
    from reliability import test_two_users as two

    gov = grp.getgrnam(names[0]).gr_gid
    made = []
    for name in names[1:]:
        entry = pwd.getpwnam(name)
        state = folder / f"state-{name}"
        state.mkdir(mode=0o700)
        os.chown(state, entry.pw_uid, entry.pw_gid)
        made.append(two.User(name, entry.pw_uid, entry.pw_gid, (entry.pw_gid, gov), state))
    shared = folder / "shared"
    shared.mkdir()
    os.chown(shared, 0, gov)
    os.chmod(shared, 0o2770)
    report = shared / "年报.toml"
    shutil.copyfile(EXAMPLE, report)
    os.chown(report, made[0].uid, gov)
    os.chmod(report, 0o660)
    return two.Office(made[0], made[1], gov, shared)


def bench_two_user_attacks(tries: int) -> None:
    if os.geteuid() != 0:
        print("  (not root: the two-user attacks 1, 2, 6, 7, 8 are skipped)")
        return
    from reliability import test_two_users as two

    with two_users() as names:

        def run(test: Callable[..., None], *args: object) -> Callable[[Path], None]:
            return lambda folder: test(office_in(folder, names), *args)

        attempt(
            "1 forged lock names op1's own process → op1 presses 接管",
            tries,
            run(two.test_1_a_forged_lock_record_makes_nobody_kill_anything, False),
        )
        attempt(
            "1 forged lock names a root process → root presses 接管",
            tries,
            run(two.test_1_a_forged_lock_record_makes_nobody_kill_anything, True),
        )
        attempt(
            "2 report swapped for a symlink to a private file, 覆盖",
            tries,
            run(two.test_2_a_report_swapped_for_a_symlink_leaks_nothing),
        )
        attempt(
            "6 chmod 640 by a colleague after opening, then save",
            tries,
            run(two.test_6_a_report_made_read_only_after_opening_is_not_replaced, "colleague 640"),
        )
        attempt(
            "6 chmod 440 by the owner after opening, then save",
            tries,
            run(two.test_6_a_report_made_read_only_after_opening_is_not_replaced, "owner 440"),
        )
        attempt(
            "7 folder 0770 without setgid: next colleague can save",
            tries,
            run(two.test_7_lock_and_version_folders_get_the_folder_s_group),
        )
        attempt(
            "8 lock file 0600 by a colleague / symlinked .locks",
            tries,
            run(two.test_8_a_private_lock_file_and_a_symlinked_locks_folder),
        )


# ---------------------------------------------------------------------- odd files (3, 8)


def bench_odd_files(tries: int) -> None:
    from reliability import test_hostile_files as hostile

    def secret_in(folder: Path) -> Path:
        private = folder / "private"
        private.mkdir(mode=0o700)
        shutil.copyfile(EXAMPLE, private / "secret.toml")
        return private / "secret.toml"

    def in_folder(test: Callable[[str, Path, Path], None], kind: str) -> Callable[[Path], None]:
        return lambda folder: test(kind, folder, secret_in(folder))

    def on_report(test: Callable[[str, Path, Path], None], kind: str) -> Callable[[Path], None]:
        return lambda folder: test(kind, shared_report(folder), secret_in(folder))

    for kind in hostile.KINDS:
        attempt(
            f"3 report is a {kind}: every CLI command (8) answers < 2 s",
            tries,
            in_folder(hostile.test_every_cli_command_answers_quickly, kind),
        )
        attempt(
            f"3 report is a {kind}: app loader, start screen, background check < 2 s",
            tries,
            in_folder(hostile.test_the_app_loader_start_screen_and_background_check, kind),
        )
    for kind in ("fifo", "devzero", "symlink"):
        attempt(
            f"8 lock file is a {kind}: read-only works, history answers",
            tries,
            on_report(hostile.test_odd_lock_file_read_only_still_works, kind),
        )
    attempt(
        "8 symlinked .locks / .versions/<name>: nothing written through",
        tries,
        lambda folder: hostile.test_symlinked_lock_and_version_folders_are_not_followed(
            shared_report(folder), folder
        ),
    )


# ---------------------------------------------------------------------- journals (4, 13), new --force (5)


def _leave_unsaved(report: Path, text: str) -> None:
    session = EditSession.open(report)
    session.report.texts["other.main"] = text
    session.mark_edited()
    session.emergency_close()


def _journal_kept(report: Path, text: str) -> None:
    entry = read_journal(report)
    assert entry is not None and text in entry.report_text, "journal lost"


def bench_journals(tries: int) -> None:
    def read_only_close(folder: Path) -> None:
        report = shared_report(folder)
        _leave_unsaved(report, "甲")
        EditSession.open(report, read_only=True).close()
        _journal_kept(report, "甲")

    def esc_then_save(folder: Path) -> None:
        report = shared_report(folder)
        _leave_unsaved(report, "乙")
        session = EditSession.open(report)  # the offer is there; Esc = not deciding
        assert session.pending_recovery() is not None
        session.save()
        session.close()
        _journal_kept(report, "乙")
        again = EditSession.open(report)
        assert again.pending_recovery() is not None, "not offered again"
        again.close()

    def save_as_and_reload(folder: Path) -> None:
        report = shared_report(folder)
        _leave_unsaved(report, "丙")
        session = EditSession.open(report)
        session.reload()
        session.save_as(report.with_name("另存.toml"))
        session.close()
        _journal_kept(report, "丙")

    def own_save_recognised(folder: Path) -> None:
        report = shared_report(folder)
        session = EditSession.open(report)
        session.report.texts["other.main"] = "丁"
        session.mark_edited()
        journal = read_journal(report)
        assert journal is not None
        kept = journal.file.read_bytes()
        session.save()
        session.close()
        journal.file.write_bytes(kept)  # as if killed between the save and the journal removal
        again = EditSession.open(report)
        assert again.pending_recovery() is None, "own save offered as someone else's change"
        again.close()
        assert read_journal(report) is None

    def new_force_while_edited(folder: Path) -> None:
        report = shared_report(folder)
        before = report.read_bytes()
        holder = EditSession.open(report)
        code = cli_main(["new", str(report), "--unit", "某乡", "--year", "2025", "--force"])
        holder.close()
        assert code == 2 and report.read_bytes() == before, "overwritten while edited"
        assert cli_main(["new", str(report), "--unit", "某乡", "--year", "2025", "--force"]) == 0
        assert any(v.file.read_bytes() == before for v in list_versions(report)), "previous file not kept"

    attempt("4 read-only open then quit keeps an earlier journal", tries, read_only_close)
    attempt("4 Esc on the offer then Ctrl+S keeps it (offered again)", tries, esc_then_save)
    attempt("4 重新载入 and 另存为 keep it", tries, save_as_and_reload)
    attempt("13 killed between save and journal removal: own save recognised", tries, own_save_recognised)
    attempt("5 new --force while someone edits; previous file kept", tries, new_force_while_edited)


# ---------------------------------------------------------------------- input (11, 12, 14)


def bench_input(tries: int) -> None:
    from reliability import test_hostile_input as hostile

    def cases(folder: Path) -> None:
        for name, text in hostile.CASES.items():
            path = folder / "r.toml"
            path.write_text(text, encoding="utf-8")
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = cli_main(["check", str(path)])
            assert code == 2 and "Traceback" not in err.getvalue(), name

    def escapes(folder: Path) -> None:
        path = folder / "r.toml"
        base = EXAMPLE.read_text(encoding="utf-8")
        unit = next(line for line in base.splitlines() if line.startswith("unit = "))
        path.write_text(
            base.replace(unit, 'unit = "\\u001b]0;pwned\\u0007\\u001b[2J红"', 1), encoding="utf-8"
        )
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli_main(["check", str(path)])
        assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()

    def errno_and_dash(folder: Path) -> None:
        for path in (folder / "none.toml", folder):
            try:
                load_report(path)
            except ReportFileError as exc:
                assert not any(w in str(exc) for w in ("No such", "Is a directory", "Permission denied"))

    attempt(f"11/14 hostile files ({len(hostile.CASES)} kinds): exit 2, Chinese, no traceback", tries, cases)
    attempt("12 escape sequences in a unit name printed by check", tries, escapes)
    attempt("14 errno texts in Chinese", tries, errno_and_dash)


# ---------------------------------------------------------------------- kills during save


def bench_kill_saves(kills: int) -> None:
    with scratch() as folder:
        report = shared_report(folder)
        rng = random.Random(9)
        texts = ["短", "长" * 3000]
        allowed = {report.read_bytes()}
        for i in range(2):
            r = load_report(report)
            r.texts["other.main"] = texts[i]
            allowed.add(dumps_report(r).encode())
        whole = own_save_shown_as_theirs = offers = 0
        for _ in range(kills):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                try:
                    s = EditSession.open(report)
                    k = 0
                    while True:
                        s.report.texts["other.main"] = texts[k % 2]
                        s.mark_edited()
                        s.save(force=True)
                        k += 1
                finally:
                    os._exit(3)
            time.sleep(rng.uniform(0, 0.05))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            whole += report.read_bytes() in allowed and all(
                v.file.read_bytes() in allowed for v in list_versions(report)
            )
            session = EditSession.open(report)
            recovery = session.pending_recovery()
            if recovery is not None:
                offers += 1
                own_save_shown_as_theirs += recovery.file_changed_since
                session.discard_recovery()
            session.close()
        print(
            f"kills during save: {whole}/{kills} left a whole report and whole versions; "
            f"{offers} reopenings offered unsaved edits, {own_save_shown_as_theirs} of them called the "
            "operator's own save someone else's change"
        )


# ---------------------------------------------------------------------- journal per edit (#11)


def bench_journal_write(repeat: int) -> None:
    """mark_edited as this build does it (fsync in the background) and, alternating in the same run,
    with the journal's fsyncs forced back onto the keystroke path (the behaviour before #11)."""
    from tui_report.storage import journal

    with scratch() as folder:
        report = shared_report(folder)
        session = EditSession.open(report)
        n = [0]
        real_write = journal.atomic_write  # type: ignore[attr-defined]

        def durable_write(path: Path, data: bytes, **kwargs: object) -> None:
            kwargs["durable"] = True
            real_write(path, data, **kwargs)  # type: ignore[arg-type]

        def edit() -> float:
            n[0] += 1
            session.report.texts["other.main"] = f"第{n[0]}次"
            start = time.perf_counter()
            session.mark_edited()
            return (time.perf_counter() - start) * 1000

        now: list[float] = []
        before: list[float] = []
        for _ in range(repeat):
            now.append(edit())
            journal.atomic_write = durable_write  # type: ignore[attr-defined,assignment]
            try:
                before.append(edit())
            finally:
                journal.atomic_write = real_write  # type: ignore[attr-defined]
        journal.wait_synced()
        session.close(discard=True)
    print(f"journal: committed edit, fsync in the background (this build): {summary(now)}")
    print(f"baseline: committed edit with the fsyncs on the keystroke path (before #11): {summary(before)}")


def bench_kill_edits(kills: int) -> None:
    """kill -9 at a random moment after the first acknowledged edit: the journal holds the last
    edit whose mark_edited had returned (the fsync may still have been pending)."""
    rng = random.Random(2)
    survived = checked = 0
    with scratch() as folder:
        report = shared_report(folder)
        for _ in range(kills):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                os.close(read_fd)
                s = EditSession.open(report)
                k = 0
                while True:
                    k += 1
                    s.report.texts["other.main"] = f"第{k}次"
                    s.mark_edited()
                    os.write(write_fd, f"{k}\n".encode())
            os.close(write_fd)
            with os.fdopen(read_fd, "rb") as pipe:
                first = pipe.readline()  # the child is editing
                time.sleep(rng.uniform(0, 0.05))
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                acked = [int(x) for x in (first + pipe.read()).split()]
            checked += 1
            entry = read_journal(report)
            text = entry.report().texts["other.main"] if entry else ""
            survived += bool(text) and int(text[1 : text.index("次")]) >= acked[-1]
            s = EditSession.open(report)
            s.discard_recovery()
            s.close()
    print(f"kill -9 during edits: {survived}/{checked} kills kept every acknowledged (committed) edit")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer tries (a smoke run)")
    args = parser.parse_args()
    tries = 3 if args.quick else 20
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {procinfo.host_name()}, uid {os.geteuid()}"
    )
    print("attacks (issue #9):")
    bench_two_user_attacks(max(2, tries // 2))
    bench_odd_files(max(2, tries // 4))
    bench_journals(tries)
    bench_input(max(2, tries // 4))
    print()
    print("| attack | tried | blocked |")
    print("|---|---:|---:|")
    for name, tried, blocked, _ in ROWS:
        print(f"| {name} | {tried} | {blocked} |")
    print()
    bench_kill_saves(40 if args.quick else 220)
    bench_kill_edits(30 if args.quick else 200)  # #11: nothing acknowledged lost
    bench_journal_write(50 if args.quick else 300)


if __name__ == "__main__":
    main()
