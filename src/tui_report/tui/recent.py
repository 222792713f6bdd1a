"""Recently opened reports and the report files of a folder, summarised for the start screen.

No Textual here. The list lives in the per-user state folder
(:func:`tui_report.storage.statedir.state_dir`), one file per operator.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from tui_report.model.progress import progress
from tui_report.model.rules import check
from tui_report.model.template import examples_dir
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import load_report
from tui_report.storage.safefile import open_regular, read_regular
from tui_report.storage.statedir import StateDirError, ensure_state_dir

MAX_RECENT = 10
MAX_SCANNED = 50


def load_recent() -> list[Path]:
    """The recent list; empty when the state folder is not this user's own (a list planted there
    would be shown — and opened — as this operator's)."""
    try:
        raw, _info = read_regular(ensure_state_dir() / "recent.json", 1 << 20)
        data = json.loads(raw.decode("utf-8"))
    except (ReportFileError, StateDirError, ValueError, RecursionError):
        return []
    if not isinstance(data, list):
        return []
    return [Path(p) for p in data if isinstance(p, str)]


def remember(path: Path) -> None:
    """Put a report first in the recent list (best effort: a read-only home is not an error)."""
    path = path.resolve()
    paths = [path, *(p for p in load_recent() if p != path)][:MAX_RECENT]
    try:
        folder = ensure_state_dir()
        data = json.dumps([str(p) for p in paths], ensure_ascii=False).encode("utf-8")
        atomic_write(folder / "recent.json", data, mode=0o600)
    except (OSError, ReportFileError, StateDirError):
        pass


@dataclass(frozen=True, slots=True)
class Summary:
    path: Path
    title: str
    unit: str
    year: int | None
    done: int
    total: int
    errors: int
    problem: str | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def summarize(path: Path) -> Summary:
    try:
        report = load_report(path)
    except ReportFileError as exc:
        return Summary(path, "", "", None, 0, 0, 0, exc.reason)
    findings = check(report)
    prog = progress(report, findings)
    errors = sum(1 for f in findings if f.severity == "error")
    return Summary(path, report.title, report.unit, report.year, prog.done, prog.total, errors)


def reports_in(folder: Path) -> list[Path]:
    """``*.toml`` files in a folder that look like reports (have a ``[report]`` table)."""
    found: list[Path] = []
    try:
        candidates = sorted(folder.glob("*.toml"))
    except OSError:
        return []
    for path in candidates[: MAX_SCANNED * 2]:
        try:  # never follows a link, never blocks on a FIFO, reads 4 KB at most
            fd, _info = open_regular(path)
        except ReportFileError:
            continue
        try:
            head = os.read(fd, 4096)
        except OSError:
            continue
        finally:
            os.close(fd)
        if b"[report]" in head:
            found.append(path)
        if len(found) >= MAX_SCANNED:
            break
    return found


def example_path() -> Path | None:
    """The bundled example report (installed beside the package or in a checkout)."""
    path = examples_dir() / "full-2024.toml"
    return path if path.is_file() else None
