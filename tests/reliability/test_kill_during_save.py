"""Saves killed at random points, 200 times: the report is always a whole old or new version.

A forked child opens the report and saves two different contents in turn as fast as it can (each
save: keep the previous version, temp file, fsync, rename, folder fsync, link, prune, journal); the
parent kills it with SIGKILL after a random delay. After every kill the report must read back as
exactly one of the contents, every kept version and the journal must read back whole, and the lock
must be free.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from tui_report.safety.lock import EditLock
from tui_report.session import EditSession
from tui_report.storage.journal import read_journal
from tui_report.storage.reportfile import dumps_report, load_report
from tui_report.storage.versions import list_versions

KILLS = 200


def _saver(path: Path, texts: list[str]) -> None:  # pragma: no cover - runs in the forked child
    try:
        session = EditSession.open(path)
        n = 0
        while True:
            session.report.texts["other.main"] = texts[n % 2]
            session.report.set_cell("requests", "new.natural", n % 2)
            session.mark_edited()
            session.save(force=True)
            n += 1
    finally:
        os._exit(3)


def test_saves_killed_at_random_points(report_file: Path) -> None:
    rng = random.Random(20250110)
    texts = ["短", "长" * 3000]  # different sizes: a partial file could not pass for either
    allowed = {report_file.read_bytes()}
    for i in range(2):
        report = load_report(report_file)
        report.texts["other.main"] = texts[i]
        report.set_cell("requests", "new.natural", i)
        allowed.add(dumps_report(report).encode("utf-8"))

    interrupted_writes = 0
    for kill in range(KILLS):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            _saver(report_file, texts)
        time.sleep(rng.uniform(0.0, 0.04))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == -signal.SIGKILL, f"child ended by itself at kill {kill}"

        assert report_file.read_bytes() in allowed, f"partial report after kill {kill}"
        load_report(report_file)
        for version in list_versions(report_file):
            assert version.file.read_bytes() in allowed, f"partial version {version.id} after kill {kill}"
        entry = read_journal(report_file)
        if entry is not None:
            assert entry.report().texts["other.main"] in texts
        if any(p.name.endswith(".tmp") for p in report_file.parent.iterdir()):
            interrupted_writes += 1
        with EditLock.acquire(report_file):  # the lock died with the process
            pass

    # The next session clears what killed saves left behind.
    EditSession.open(report_file).close()
    assert not [p for p in report_file.parent.iterdir() if p.name.endswith(".tmp")]
    print(f"\n{KILLS} kills, {interrupted_writes} in the middle of writing a temp file; report always whole")
    assert interrupted_writes > 0  # the kills did land inside saves
