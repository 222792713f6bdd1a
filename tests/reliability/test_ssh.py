"""Over real SSH: log in with ``ssh -tt``, run the app at 80×24 with TERM=xterm, type, kill the SSH
client mid-edit; the edit must be recoverable and the lock free.

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

from tui_report import procinfo
from tui_report.lock import current_owner
from tui_report.session import EditSession

from ._helpers import PY, SRC
from ._pty import PtyProcess
from ._sshd import SshServer, ssh_server

MINI_APP = Path(__file__).with_name("mini_app.py")
pytestmark = pytest.mark.slow


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


def test_ssh_client_killed_mid_edit(sshd: SshServer, report_file: Path, state_dir: Path) -> None:
    argv = sshd.ssh_argv([PY, str(MINI_APP), str(report_file)], _remote_env(state_dir))
    client = PtyProcess(argv, dict(os.environ, TERM="xterm"), cols=80, rows=24)
    try:
        client.wait_for("MINI-READY", timeout=30)
        owner = current_owner(report_file)
        assert owner is not None and owner.tty.startswith("pts/")  # the app runs on sshd's terminal
        assert owner.ssh_client == "127.0.0.1"
        client.type("远程输入")
        client.send("\r")
        client.wait_for("COMMITTED 远程输入")
        client.type("中")
        client.wait_for("远程输入中")

        killed_at = client.signal(signal.SIGKILL)  # the operator's PC drops off the network
        client.wait()
        deadline = killed_at + 15
        while procinfo.process_alive(owner.pid, owner.pid_start_ticks):
            assert time.monotonic() < deadline, "the app outlived its SSH session"
            time.sleep(0.02)
        print(f"\nSSH client killed → app gone in {time.monotonic() - killed_at:.2f} s")
    finally:
        client.close()

    assert current_owner(report_file) is None
    session = EditSession.open(report_file)
    recovery = session.pending_recovery()
    assert recovery is not None
    session.recover()
    assert session.report.texts["other.main"] == "远程输入中"
    session.close(discard=True)
