"""Fixtures shared by every test folder: the bundled examples, loaded or as paths, and an empty report.

Also which test modules run alone (marked ``serial``): ``scripts/test.sh`` runs the others on
every core (pytest-xdist) first, then these one at a time, so that what they measure or drive
(a real terminal's timing, a hang-up's seconds, sshd, two real users, the offline install, a
rule's time limit) never shares the CPU with another test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_report.model.report import Report, new_report
from tui_report.storage.reportfile import load_report, save_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Modules (or single tests, "module::test") that run alone.
SERIAL_MODULES = frozenset(
    {
        "test_doctor.py::test_hostile_folder_never_hangs",  # a hostile folder checked within 5 s
        "reliability/test_kill_during_save.py",  # kills land inside a save only on an idle CPU
        "hostile/test_lower.py",  # a hang-up must land while LibreOffice is still converting
        "test_rule_patterns.py",  # every pattern within its time limit on hostile text
        "reliability/test_hangup.py",  # seconds from a hang-up to the exit
        "reliability/test_tui_hangup.py",
        "reliability/test_hostile_files.py",  # a FIFO or a huge file refused within a time
        "reliability/test_ssh.py",  # a real sshd on loopback
        "reliability/test_two_users.py",  # two real users
        "reliability/test_lock_dialog.py",  # a second real user editing in a terminal
        "tui/test_pty_input.py",  # the real app in a pseudo-terminal: reads and timing
        "tui/test_plain_terminal.py",
        "tui/test_redraw.py",
        "tui/test_terminal.py",  # tmux
    }
)


# Modules whose tests share one thing (the offline bundle in dist/; the fuzz module's case counter,
# which its last test sums): on one worker, in order, but beside the other tests (pytest-xdist
# --dist loadgroup).
ONE_WORKER_MODULES = frozenset({"test_bundle.py", "reliability/test_fuzz_loader.py"})


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.relative_to(ROOT / "tests").as_posix()
        if module in SERIAL_MODULES or f"{module}::{item.name.partition('[')[0]}" in SERIAL_MODULES:
            item.add_marker(pytest.mark.serial)
        if module in ONE_WORKER_MODULES:
            item.add_marker(pytest.mark.xdist_group(module))


@pytest.fixture
def dama_path() -> Path:
    return EXAMPLES / "dama-2021.toml"


@pytest.fixture
def full_path() -> Path:
    return EXAMPLES / "full-2024.toml"


@pytest.fixture
def full(full_path: Path) -> Report:
    """The full example (every cell filled, every rule satisfied), a fresh copy per test."""
    return load_report(full_path)


@pytest.fixture
def dama(dama_path: Path) -> Report:
    """The dama example (a real published township report, 表三 all zero), a fresh copy per test."""
    return load_report(dama_path)


@pytest.fixture
def empty_report(tmp_path: Path) -> Path:
    """An empty report file with the metadata of the full example (so that the same rules apply),
    alone in a shared folder of its own."""
    source = load_report(EXAMPLES / "full-2024.toml")
    path = tmp_path / "shared" / "年报.toml"
    path.parent.mkdir()
    save_report(new_report(source.unit, source.year, source.level, source.template), path)
    return path
