"""The wizard's steps and how far each one is: empty, in progress, complete, has errors, or
optional and not written.

A step is one page of the guided entry: the report's metadata, the preamble, one text part or one
table. Sections group steps as the template does. No Textual, so the start screen and the CLI can
use the same figures.

Progress counts only what was filled: a part that may stay empty (the preamble, a text part the
template marks ``required = false`` or prints as 无 when empty) is 可选 and counts neither as done
nor as to do until something is written in it; the report's metadata (unit, level, year, set when
the report is made) is not counted. A blank report is at 0%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tui_report.model.report import Report
from tui_report.model.rules import Finding
from tui_report.model.template import Template

StepKind = Literal["meta", "preamble", "text", "table"]
State = Literal["empty", "partial", "complete", "error", "optional"]

STATE_MARKS: dict[State, str] = {
    "empty": "空",
    "partial": "填",
    "complete": "完",
    "error": "错",
    "optional": "可选",
}
STATE_LABELS: dict[State, str] = {
    "empty": "未填",
    "partial": "填写中",
    "complete": "已完成",
    "error": "有错误",
    "optional": "可选（不填也可以，填了才计入进度）",
}

META_SECTION = "_meta"
PREAMBLE_SECTION = "_preamble"


@dataclass(frozen=True, slots=True)
class Step:
    """One page: ``key`` is ``meta``, ``preamble``, ``text:<section>.<part>`` or ``table:<key>``."""

    key: str
    kind: StepKind
    section: str
    title: str
    # The text part key (``section.part``) or table key the step edits.
    target: str = ""


@dataclass(frozen=True, slots=True)
class SectionInfo:
    key: str
    heading: str
    steps: tuple[Step, ...]


def sections_of(template: Template) -> list[SectionInfo]:
    """The wizard's sections in order: metadata, preamble, then the template's six parts."""
    result = [
        SectionInfo(META_SECTION, "报告信息", (Step("meta", "meta", META_SECTION, "报告信息"),)),
    ]
    if template.preamble:
        result.append(
            SectionInfo(PREAMBLE_SECTION, "前言", (Step("preamble", "preamble", PREAMBLE_SECTION, "前言"),))
        )
    for section in template.sections:
        steps: list[Step] = []
        for part in section.texts:
            key = f"{section.key}.{part.key}"
            steps.append(Step(f"text:{key}", "text", section.key, part.title, key))
        for table_key in section.tables:
            table = template.table(table_key)
            steps.append(Step(f"table:{table_key}", "table", section.key, table.title, table_key))
        result.append(SectionInfo(section.key, section.heading, tuple(steps)))
    return result


def _error_targets(findings: Iterable[Finding]) -> set[str]:
    targets: set[str] = set()
    for finding in findings:
        if finding.severity != "error":
            continue
        for loc in finding.locations:
            if loc.table is not None:
                targets.add(f"table:{loc.table}")
            elif loc.text is not None:
                targets.add(f"text:{loc.text}")
            elif loc.field is not None:
                targets.add("preamble" if loc.field.startswith("preamble") else "meta")
    return targets


def step_state(report: Report, step: Step, error_targets: set[str]) -> State:
    if step.key in error_targets:
        return "error"
    template = report.tpl
    if step.kind == "meta":
        return "complete" if report.unit.strip() and report.level is not None else "partial"
    if step.kind == "preamble":
        # Every preamble field may stay empty (most published reports state the period inside
        # 总体情况): optional until one is written.
        return "complete" if any(str(v).strip() for v in report.preamble.values()) else "optional"
    if step.kind == "text":
        if report.texts.get(step.target, "").strip():
            return "complete"
        return "optional" if template.text_part(step.target).optional else "empty"
    table = template.table(step.target)
    entered = report.values.get(step.target, {})
    inputs = table.input_cells()
    filled = sum(1 for cid in inputs if cid in entered)
    if filled == 0:
        return "empty"
    return "complete" if filled == len(inputs) else "partial"


def combine(states: Iterable[State]) -> State:
    """A section's state from its steps' (an optional step not written does not count, unless
    every step is one)."""
    given = list(states)
    states = [s for s in given if s != "optional"]
    if not states:
        return "optional" if given else "complete"
    if "error" in states:
        return "error"
    if all(s == "complete" for s in states):
        return "complete"
    if all(s == "empty" for s in states):
        return "empty"
    return "partial"


@dataclass(frozen=True, slots=True)
class Progress:
    steps: dict[str, State]
    sections: dict[str, State]
    done: int  # steps counted and complete
    total: int  # steps counted: not the metadata, not an optional part left empty

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def progress(report: Report, findings: list[Finding]) -> Progress:
    errors = _error_targets(findings)
    steps: dict[str, State] = {}
    sections: dict[str, State] = {}
    for section in sections_of(report.tpl):
        states = [step_state(report, step, errors) for step in section.steps]
        steps.update({step.key: state for step, state in zip(section.steps, states, strict=True)})
        sections[section.key] = combine(states)
    counted = [state for key, state in steps.items() if key != "meta" and state != "optional"]
    done = sum(1 for state in counted if state == "complete")
    return Progress(steps, sections, done, len(counted))


def step_of_location(table: str | None, text: str | None, field: str | None) -> str | None:
    """The step key a finding's location belongs to."""
    if table is not None:
        return f"table:{table}"
    if text is not None:
        return f"text:{text}"
    if field is not None:
        return "preamble" if field.startswith("preamble") else "meta"
    return None
