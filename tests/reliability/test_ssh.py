"""Over real SSH: log in with ``ssh -tt``, run ``tui-report FILE`` at 80×24 with TERM=xterm, type into a
table, kill the SSH client mid-edit; the edit must be recoverable and the lock free.

sshd notices the dead client (the kernel closes its TCP socket), closes the session's terminal, and
the app gets SIGHUP: the same path as a dropped connection from an operator's PC.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.host import procinfo
from tui_report.safety.lock import current_owner
from tui_report.session import EditSession

from ._helpers import PY, SRC
from ._pty import PtyProcess
from ._sshd import SshServer, ssh_server
from .test_tui_hangup import type_into_table_three

pytestmark = pytest.mark.slow


def app_command(report: Path) -> list[str]:
    """``tui-report FILE``: the console script beside this Python (PYTHONPATH picks the code)."""
    script = Path(sys.executable).with_name("tui-report")
    return [str(script), str(report)] if script.exists() else [PY, "-m", "tui_report", str(report)]


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    with ssh_server(tmp_path_factory.mktemp("sshd")) as server:
        yield server


def _remote_env(state_dir: Path) -> dict[str, str]:
    return {
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(SRC),
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
        "TUI_REPORT_STATE_DIR": str(state_dir),
    }


def test_ssh_client_killed_mid_edit(sshd: SshServer, empty_report: Path, state_dir: Path) -> None:
    argv = sshd.ssh_argv(app_command(empty_report), _remote_env(state_dir))
    client = PtyProcess(argv, dict(os.environ, TERM="xterm"), cols=80, rows=24)
    try:
        client.wait_for("报告信息", timeout=30)
        client.settle()
        owner = current_owner(empty_report)
        assert owner is not None and owner.tty.startswith("pts/")  # the app runs on sshd's terminal
        assert owner.ssh_client == "127.0.0.1"
        type_into_table_three(client)

        killed_at = client.signal(signal.SIGKILL)  # the operator's PC drops off the network
        client.wait()
        deadline = killed_at + 15
        while procinfo.process_alive(owner.pid, owner.pid_start_ticks):
            assert time.monotonic() < deadline, "the app outlived its SSH session"
            time.sleep(0.02)
        print(f"\nSSH client killed → app gone in {time.monotonic() - killed_at:.2f} s")
    finally:
        client.close()

    assert current_owner(empty_report) is None  # the lock is free
    session = EditSession.open(empty_report)
    assert session.pending_recovery() is not None
    session.recover()
    assert session.report.entered("requests", "new.natural") == 12
    assert session.report.entered("requests", "carried_over.natural") == 3
    session.close(discard=True)
