"""Recently opened reports and the report files of a folder, summarised for the start screen.

No Textual here. The list lives in ``$TUI_REPORT_STATE_DIR`` or ``$XDG_STATE_HOME/tui-report``
(default ``~/.local/state/tui-report``), one file per operator.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from tui_report.model.progress import progress
from tui_report.model.rules import check
from tui_report.model.template import examples_dir
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import load_report

MAX_RECENT = 10
MAX_SCANNED = 50


def state_dir() -> Path:
    explicit = os.environ.get("TUI_REPORT_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tui-report"


def load_recent() -> list[Path]:
    try:
        data = json.loads((state_dir() / "recent.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [Path(p) for p in data if isinstance(p, str)]


def remember(path: Path) -> None:
    """Put a report first in the recent list (best effort: a read-only home is not an error)."""
    path = path.resolve()
    paths = [path, *(p for p in load_recent() if p != path)][:MAX_RECENT]
    folder = state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".recent.{os.getpid()}.tmp"
        tmp.write_text(json.dumps([str(p) for p in paths], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / "recent.json")
    except OSError:
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
        try:
            with path.open("rb") as handle:
                head = handle.read(4096)
        except OSError:
            continue
        if b"[report]" in head:
            found.append(path)
        if len(found) >= MAX_SCANNED:
            break
    return found


def example_path() -> Path | None:
    """The bundled example report (installed beside the package or in a checkout)."""
    path = examples_dir() / "full-2024.toml"
    return path if path.is_file() else None
