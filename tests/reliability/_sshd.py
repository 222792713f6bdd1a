"""A throwaway OpenSSH server on 127.0.0.1 for the real-SSH hang-up test.

Fresh host key and user key in a temp folder, ``AuthorizedKeysFile`` pointing there, a free port,
``StrictModes no`` (the temp folder's modes do not matter) and, when the tests run as root (CI),
root login by key for this server only. Skips with a reason where sshd cannot run.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"


@dataclass
class SshServer:
    port: int
    user: str
    key: Path
    folder: Path
    process: subprocess.Popen[bytes]

    def ssh_argv(self, remote_command: Sequence[str], env: dict[str, str], *, tty: bool = True) -> list[str]:
        """``ssh -tt`` running ``remote_command`` with ``env`` set on the server side."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"exec env {exports} {shlex.join(remote_command)}"
        return [
            shutil.which("ssh") or "ssh",
            "-tt" if tty else "-T",
            "-i",
            str(self.key),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "IdentitiesOnly=yes",
            f"{self.user}@127.0.0.1",
            command,
        ]

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "sshd.log").read_text(errors="replace")
        return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True, timeout=30)


@contextlib.contextmanager
def ssh_server(folder: Path) -> Iterator[SshServer]:
    if not os.path.exists(SSHD):
        pytest.skip(f"{SSHD} not installed (scripts/test.sh installs openssh-server)")
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed")
    if os.geteuid() == 0:
        # sshd refuses to start without its privilege separation folder (made by the service).
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    user = pwd.getpwuid(os.geteuid()).pw_name
    folder.mkdir(parents=True, exist_ok=True)
    _keygen(folder / "host_key")
    _keygen(folder / "user_key")
    shutil.copyfile(folder / "user_key.pub", folder / "authorized_keys")
    (folder / "authorized_keys").chmod(0o600)
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {folder / 'host_key'}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",  # this throwaway server only
                "UsePAM no",
                "StrictModes no",
                "PrintMotd no",
                "PrintLastLog no",
                "ClientAliveInterval 60",
                "ClientAliveCountMax 3",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    check = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        pytest.skip(f"sshd cannot run here: {check.stderr.strip()}")
    log = open(folder / "sshd.log", "wb")  # noqa: SIM115 - closed after the server stops
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
    server = SshServer(port, user, folder / "user_key", folder, process)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.skip(f"sshd exited at start: {server.log()[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if time.monotonic() > deadline:
                pytest.skip("sshd did not start listening")
            time.sleep(0.05)
        probe = subprocess.run(
            server.ssh_argv(["true"], {}, tty=False), capture_output=True, text=True, timeout=30
        )
        if probe.returncode != 0:
            pytest.skip(f"cannot log in to the test sshd: {probe.stderr.strip()} {server.log()[-500:]}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
