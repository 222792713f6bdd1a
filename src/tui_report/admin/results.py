"""What a doctor check says: a status, a line of text, and the fix."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tui_report.host.terminal import escape_line


class Status(enum.Enum):
    OK = "✓"
    WARN = "!"  # works, but worth changing; does not fail the doctor
    FAIL = "✗"  # an operator will hit this; the doctor exits 1


@dataclass(frozen=True, slots=True)
class Check:
    status: Status
    text: str
    fix: str = ""


def ok(text: str) -> Check:
    return Check(Status.OK, text)


def warn(text: str, fix: str = "") -> Check:
    return Check(Status.WARN, text, fix)


def fail(text: str, fix: str = "") -> Check:
    return Check(Status.FAIL, text, fix)


@dataclass(slots=True)
class Section:
    title: str
    checks: list[Check] = field(default_factory=list)


def failures(sections: list[Section]) -> int:
    return sum(1 for s in sections for c in s.checks if c.status is Status.FAIL)


def warnings(sections: list[Section]) -> int:
    return sum(1 for s in sections for c in s.checks if c.status is Status.WARN)


def render(sections: list[Section]) -> str:
    """Plain text: a heading per section, one line per check, the fix indented below it."""
    lines: list[str] = []
    for section in sections:
        lines.append(section.title)
        shown_fix = ""
        for check in section.checks:
            lines.append(f"  {check.status.value} {escape_line(check.text)}")
            # The same fix for several lines in a row (e.g. one font package) is said once, at the first.
            if check.fix and check.status is not Status.OK and check.fix != shown_fix:
                lines.extend(f"      → {escape_line(part)}" for part in check.fix.splitlines())
                shown_fix = check.fix
        lines.append("")
    bad, notes = failures(sections), warnings(sections)
    if bad:
        lines.append(
            f"结论：有 {bad} 项必须修正（✗），{notes} 项建议（!）。按上面“→”后的方法修正后再运行一次。"
        )
    elif notes:
        lines.append(f"结论：必需的项目都正常；有 {notes} 项建议（!）。")
    else:
        lines.append("结论：全部正常。")
    return "\n".join(lines)
