"""Which ``*.toml`` of a shared folder are reports: the doctor counts reports, not files.

A report has a ``[report]`` table; the roster (``roster.toml``, or any file with ``[[units]]`` and
no ``[report]``) and other TOML files are not reports. Only the head of each file is read, through
a descriptor that follows no link and never blocks (a FIFO cannot hang the doctor), so a folder of
hostile files stays cheap to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from tui_report.storage.errors import ReportFileError
from tui_report.storage.safefile import open_regular

__all__ = ["HEAD_BYTES", "TomlKind", "kind_words", "toml_kind"]

HEAD_BYTES = 64 * 1024  # where a report's [report] table is (it is the first table a report has)
ROSTER_NAME = "roster.toml"  # as tui_report.review.roster (a sibling face: not imported)

TomlKind = Literal["report", "roster", "other", "unknown"]

_REPORT_TABLE = re.compile(rb"^[ \t]*\[[ \t]*report[ \t]*\][ \t]*(#.*)?$", re.MULTILINE)
_UNITS_TABLE = re.compile(rb"^[ \t]*\[\[[ \t]*units[ \t]*\]\]", re.MULTILINE)


def toml_kind(path: Path) -> TomlKind:
    """What a regular ``.toml`` file is: ``unknown`` when it cannot be read."""
    try:
        fd, _info = open_regular(path)
    except ReportFileError:
        return "unknown"
    try:
        head = os.read(fd, HEAD_BYTES)
    except OSError:
        return "unknown"
    finally:
        os.close(fd)
    if _REPORT_TABLE.search(head):
        return "report"
    if path.name == ROSTER_NAME or _UNITS_TABLE.search(head):
        return "roster"
    return "other"


def kind_words(kind: TomlKind) -> str:
    return {"roster": "单位名册", "other": "没有 [report] 部分，不是报告"}.get(kind, "")
