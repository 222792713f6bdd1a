"""Figures for "nothing lost, nobody overwritten" (issue 5).

- lock: uncontended acquire + release; N processes racing for one report, R rounds (exactly one
  winner each round; every loser told who won);
- journal: time per committed edit (one appended edit line, fsync in the background) beside, in the
  same run and alternating, the same edit with the whole snapshot rewritten (the journal before edit
  lines), and a plain atomic save of the report as the baseline;
- kills: saves killed at random points (report always whole), and committed edits killed with
  SIGKILL (journal holds the last acknowledged edit);
- hang-up → exit: the real ``tui-report`` in a pseudo-terminal at 80×24, two cells typed into table 三,
  then the terminal closed / SIGTERM / a hang-up whose SIGHUP never arrives / kill -9; and over real
  SSH (the client killed) when sshd is available;
- fuzz: the loader fuzz properties with more cases than the test suite runs.

Run: PYTHONPATH=src python benchmarks/bench_reliability.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from reliability._pty import PtyProcess  # noqa: E402
from reliability._sshd import ssh_server  # noqa: E402
from reliability.test_tui_hangup import type_into_table_three  # noqa: E402
from tui_report.host import procinfo  # noqa: E402
from tui_report.model.report import new_report  # noqa: E402
from tui_report.safety.lock import EditLock, LockedError, current_owner  # noqa: E402
from tui_report.session import EditSession  # noqa: E402
from tui_report.storage import journal  # noqa: E402
from tui_report.storage.journal import read_journal  # noqa: E402
from tui_report.storage.reportfile import dumps_report, load_report, save_report  # noqa: E402
from tui_report.storage.versions import list_versions  # noqa: E402

EXAMPLE = ROOT / "examples" / "dama-2021.toml"
NO_SIGHUP = ROOT / "tests" / "reliability" / "no_sighup.py"


def env_for_children(state: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, TUI_REPORT_STATE_DIR=str(state), PYTHONPATH=str(ROOT / "src"), TERM="xterm")
    env.update(extra)
    return env


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="bench-reliability-"))
    os.environ["TUI_REPORT_STATE_DIR"] = str(folder / "state")
    (folder / "shared").mkdir()
    shutil.copyfile(EXAMPLE, folder / "shared" / "年报.toml")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def timings_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(values: list[float], unit: str = "ms") -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):.2f} {unit}, p95 {p95:.2f} {unit}, max {values[-1]:.2f} {unit} (n={len(values)})"


# ---------------------------------------------------------------------- lock


def bench_lock(report: Path, procs: int, rounds: int) -> None:
    def cycle() -> None:
        EditLock.acquire(report).release()

    print(f"lock: uncontended acquire+release: {summary(timings_ms(cycle, 300))}")

    holder = EditLock.acquire(report)
    refused = []

    def contend() -> None:
        try:
            EditLock.acquire(report)
        except LockedError as exc:
            refused.append(exc.owner is not None and exc.owner.pid == os.getpid())

    print(f"lock: refused attempt incl. reading owner: {summary(timings_ms(contend, 300))}")
    holder.release()
    assert all(refused)

    code = (
        "import sys, time\nfrom tui_report.safety.lock import EditLock, LockedError\n"
        "start = float(sys.argv[2]); time.sleep(max(0, start - time.time()))\n"
        "try:\n    lock = EditLock.acquire(sys.argv[1])\n"
        "except LockedError as exc:\n    print('LOST', exc.owner.pid if exc.owner else 0, flush=True)\n"
        "else:\n    print('WON', flush=True); time.sleep(0.6)\n"
    )
    one_winner = told = losers = 0
    odd: list[str] = []
    for _ in range(rounds):
        start = time.time() + 1.0
        children = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(report), str(start)],
                stdout=subprocess.PIPE,
                text=True,
                env=env_for_children(report.parent.parent / "state"),
            )
            for _ in range(procs)
        ]
        results = {c.pid: c.communicate(timeout=60)[0].split() for c in children}
        winners = [pid for pid, out in results.items() if out and out[0] == "WON"]
        one_winner += len(winners) == 1
        for pid, out in results.items():
            if winners and pid != winners[0]:
                losers += 1
                told += out == ["LOST", str(winners[0])]
                if out != ["LOST", str(winners[0])]:
                    odd.append(" ".join(out) or "(no output)")
    print(
        f"lock: contention {procs} processes × {rounds} rounds: exactly one winner in {one_winner}/{rounds} rounds; "
        f"{told}/{losers} losers were told the winner's pid" + (f" (others: {', '.join(odd)})" if odd else "")
    )


# ---------------------------------------------------------------------- journal


def bench_journal(report: Path, repeat: int) -> None:
    compact_lines = journal.COMPACT_LINES
    session = EditSession.open(report)
    n = [0]

    def edit() -> None:
        n[0] += 1
        session.report.set_cell("requests", "new.natural", n[0])
        session.mark_edited()

    print(f"journal: committed edit (mark_edited, fsynced): {summary(timings_ms(edit, repeat))}")

    # The same edit with the whole snapshot rewritten every time (the journal before edit lines),
    # alternating with the appended edit line, same run.
    appended: list[float] = []
    snapshot: list[float] = []
    for _ in range(repeat):
        appended += timings_ms(edit, 1)
        journal.COMPACT_LINES = 0
        try:
            snapshot += timings_ms(edit, 1)
        finally:
            journal.COMPACT_LINES = compact_lines
    print(f"journal: committed edit, one appended line: {summary(appended)}")
    print(f"baseline: committed edit, whole snapshot rewritten: {summary(snapshot)}")

    def typing() -> None:
        n[0] += 1
        session.report.texts["other.main"] = "字" * (n[0] % 50)
        session.mark_edited(commit=False)

    print(f"journal: keystroke while typing (debounced): {summary(timings_ms(typing, repeat))}")
    session.close(discard=True)
    target = report.with_name("baseline.toml")
    loaded = load_report(report)
    print(
        f"baseline: plain atomic save of the report: {summary(timings_ms(lambda: save_report(loaded, target), repeat))}"
    )
    print(f"report size: {len(dumps_report(loaded).encode())} bytes")


# ---------------------------------------------------------------------- kills


def bench_kill_saves(report: Path, kills: int) -> None:
    rng = random.Random(1)
    texts = ["短", "长" * 3000]
    allowed = {report.read_bytes()}
    for i in range(2):
        r = load_report(report)
        r.texts["other.main"] = texts[i]
        r.set_cell("requests", "new.natural", i)
        allowed.add(dumps_report(r).encode())
    whole = mid_write = 0
    for _ in range(kills):
        pid = os.fork()
        if pid == 0:
            try:
                s = EditSession.open(report)
                k = 0
                while True:
                    s.report.texts["other.main"] = texts[k % 2]
                    s.report.set_cell("requests", "new.natural", k % 2)
                    s.mark_edited()
                    s.save(force=True)
                    k += 1
            finally:
                os._exit(3)
        time.sleep(rng.uniform(0, 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        ok = report.read_bytes() in allowed and all(
            v.file.read_bytes() in allowed for v in list_versions(report)
        )
        whole += ok
        mid_write += any(p.name.endswith(".tmp") for p in report.parent.iterdir())
    EditSession.open(report).close()
    print(
        f"kills during save: {whole}/{kills} left a whole report and whole versions ({mid_write} killed mid-write)"
    )


def bench_kill_edits(report: Path, kills: int) -> None:
    rng = random.Random(2)
    survived = checked = 0
    for _ in range(kills):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            s = EditSession.open(report)
            k = 0
            while True:
                k += 1
                s.report.texts["other.main"] = f"第{k}次"
                s.mark_edited()
                os.write(write_fd, f"{k}\n".encode())
        os.close(write_fd)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as pipe:
            acked = [int(x) for x in pipe.read().split()]
        if acked:
            checked += 1
            entry = read_journal(report)
            text = entry.report().texts["other.main"] if entry else ""
            survived += bool(text) and int(text[1 : text.index("次")]) >= acked[-1]
        s = EditSession.open(report)
        s.discard_recovery()
        s.close()
    print(f"kill -9 during edits: {survived}/{checked} kills kept every acknowledged (committed) edit")


# ---------------------------------------------------------------------- hang-up


def _empty_report(folder: Path) -> Path:
    source = load_report(ROOT / "examples" / "full-2024.toml")
    path = folder / "空白年报.toml"
    save_report(new_report(source.unit, source.year, source.level, source.template), path)
    return path


def _recovered_cells(report: Path) -> bool:
    s = EditSession.open(report)
    rec = s.pending_recovery()
    ok = (
        rec is not None
        and rec.report.entered("requests", "new.natural") == 12
        and rec.report.entered("requests", "carried_over.natural") == 3
    )
    s.discard_recovery()
    s.close()
    return ok


def bench_hangup(folder: Path, runs: int) -> None:
    """The real tui-report in a pty: type two cells into table 三, then lose the terminal."""
    report = _empty_report(folder)
    state = folder.parent / "state"
    for how in ("close the terminal", "SIGTERM", "SIGHUP never arrives", "kill -9"):
        times = []
        recovered = 0
        for _ in range(runs):
            argv = [sys.executable, "-m", "tui_report", str(report)]
            if how == "SIGHUP never arrives":
                argv = [sys.executable, str(NO_SIGHUP), *argv]
            proc = PtyProcess(argv, env_for_children(state, LANG="C.UTF-8"))
            try:
                proc.wait_for("报告信息")
                proc.settle()
                type_into_table_three(proc)
                if how == "SIGTERM":
                    moment = proc.signal(signal.SIGTERM)
                elif how == "kill -9":
                    moment = proc.signal(signal.SIGKILL)
                else:
                    moment = proc.hangup()
                proc.wait()
                times.append((time.monotonic() - moment) * 1000)
            finally:
                proc.close()
            recovered += _recovered_cells(report)
        print(f"tui-report, {how} → exit: {summary(times)}; both typed cells recovered {recovered}/{runs}")


def bench_ssh(folder: Path, runs: int) -> None:
    report = _empty_report(folder)
    state = folder.parent / "state"
    try:
        with ssh_server(Path(tempfile.mkdtemp(prefix="bench-sshd-"))) as server:
            times = []
            recovered = 0
            for _ in range(runs):
                remote_env = {
                    "TERM": "xterm",
                    "LANG": "C.UTF-8",
                    "PYTHONPATH": str(ROOT / "src"),
                    "TUI_REPORT_STATE_DIR": str(state),
                    "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                }
                argv = server.ssh_argv([sys.executable, "-m", "tui_report", str(report)], remote_env)
                client = PtyProcess(argv, dict(os.environ, TERM="xterm"))
                try:
                    client.wait_for("报告信息", timeout=30)
                    client.settle()
                    owner = current_owner(report)
                    assert owner is not None
                    type_into_table_three(client)
                    moment = client.signal(signal.SIGKILL)
                    client.wait()
                    while procinfo.process_alive(owner.pid, owner.pid_start_ticks):
                        time.sleep(0.005)
                    times.append((time.monotonic() - moment) * 1000)
                finally:
                    client.close()
                recovered += current_owner(report) is None and _recovered_cells(report)
            print(
                f"SSH client killed → tui-report exit: {summary(times)}; lock free + cells recovered {recovered}/{runs}"
            )
    except BaseException as exc:  # pytest.skip raises an exception outside pytest too
        if type(exc).__name__ != "Skipped":
            raise
        print(f"SSH: skipped ({exc})")


# ---------------------------------------------------------------------- fuzz


def bench_fuzz(examples: int) -> None:
    env = dict(os.environ, TUI_REPORT_FUZZ_EXAMPLES=str(examples), PYTHONPATH=str(ROOT / "src"))
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "tests/reliability/test_fuzz_loader.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    found = re.search(r"fuzz cases run: .*", result.stdout)
    status = "no traceback other than ReportFileError" if result.returncode == 0 else "FAILED"
    print(f"fuzz: {found.group(0) if found else '?'}; {status}; {elapsed:.0f} s")
    if result.returncode != 0:
        print(result.stdout[-3000:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args()
    q = args.quick
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {procinfo.host_name()}")
    with workspace() as ws:
        report = ws / "shared" / "年报.toml"
        bench_lock(report, procs=8, rounds=3 if q else 10)
        bench_journal(report, repeat=50 if q else 300)
        bench_kill_saves(report, kills=50 if q else 200)
        bench_kill_edits(report, kills=30 if q else 200)
        bench_hangup(report.parent, runs=2 if q else 10)
        bench_ssh(report.parent, runs=1 if q else 5)
    bench_fuzz(300 if q else 3000)


if __name__ == "__main__":
    main()
