"""A county's folder of generated reports: complete ones, one with errors, an empty one, one held by
a live editing session, one whose unit is missing from the roster, one that cannot be read, and a
roster unit that has not submitted anything."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_report.model.report import Report, new_report
from tui_report.review.roster import RosterUnit, write_roster
from tui_report.storage.reportfile import load_report, save_report

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


@dataclass
class County:
    folder: Path
    reports: dict[str, Report]  # unit → report as written (readable ones)
    files: dict[str, Path]
    holder: subprocess.Popen[str]


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The desk keeps its reading in the user's state folder (review/deskcache.py): each test its
    # own, so that no test reads another's (or the machine's) and none writes in the real one.
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))


def own_text(seed: str, length: int = 120) -> str:
    """A text of the unit's own (random characters): units' texts never look copied (R15)."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length)) + "。"


def scaled(base: Report, unit: str, factor: int) -> Report:
    report = base.model_copy(deep=True)
    report.unit = unit
    report.texts = {key: own_text(unit + key) for key in report.texts}
    report.level = "township"
    for cells in report.values.values():
        for cell_id, value in cells.items():
            cells[cell_id] = value * factor
    # 县级和乡镇级 make no 规章 (R14 warning otherwise)
    for cell_id in list(report.values.get("proactive", {})):
        if cell_id.startswith("regulations."):
            report.values["proactive"][cell_id] = 0
    return report


def hold(path: Path) -> subprocess.Popen[str]:
    """A separate process editing ``path`` (holding its edit lock) until killed."""
    code = (
        "import sys, time\n"
        "from tui_report.session import EditSession\n"
        "s = EditSession.open(sys.argv[1])\n"
        "print('READY', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the child holds the lock (or dies: "")
    assert line.strip() == "READY", line
    return proc


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    folder = tmp_path / "county"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    reports: dict[str, Report] = {}
    files: dict[str, Path] = {}

    def put(name: str, report: Report) -> None:
        path = folder / name
        save_report(report, path)
        reports[report.unit], files[report.unit] = report, path

    put("a.toml", scaled(base, "甲乡人民政府", 1))
    copier = scaled(base, "乙镇人民政府", 2)
    put("f.toml", scaled(base, "不在名册的单位", 1))
    # R15 for the copier only: f.toml is saved first (the original), b.toml after it
    copier.texts["problems.main"] = reports["不在名册的单位"].texts["problems.main"]
    put("b.toml", copier)
    broken = scaled(base, "丙乡人民政府", 3)
    broken.values["requests"]["new.natural"] += 1  # R1: 一+二 ≠ 三(七)+四
    put("c.toml", broken)
    put("d.toml", new_report("丁乡人民政府", 2024, "township"))
    put("e.toml", scaled(base, "戊镇人民政府", 1))  # held by a live session
    (folder / "g.toml").write_text("[report]\nunit = \n", encoding="utf-8")  # unreadable
    write_roster(
        folder / "roster.toml",
        [
            RosterUnit("甲乡人民政府", "township", "张三 1234"),
            RosterUnit("乙镇人民政府", "township"),
            RosterUnit("丙乡人民政府", "township"),
            RosterUnit("丁乡人民政府", "township"),
            RosterUnit("戊镇人民政府", "township"),
            RosterUnit("己乡人民政府", "township"),  # has not submitted
        ],
    )
    holder = hold(files["戊镇人民政府"])
    try:
        yield County(folder, reports, files, holder)
    finally:
        holder.kill()
        holder.wait(timeout=10)
