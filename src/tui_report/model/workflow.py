"""The review workflow of one report, from its records: 未报送 → 已报送 → 退回修改 → 已报送 → 已通过 →
已发布, and 已通过后有修改 when the content changed after the approval.

Pure: the records are read by ``storage/reviewrecords.py`` (where each record's author is the file's
owner and its time is never later than the file's ctime). The state is decided by the latest
decisive record — a submission (operator), a return, an approval or a publication (reviewer) — and
an approval counts only for the content it names (its fingerprint). An operator's record can only
ever move the report back to 已报送: forging one gains nothing.

Comments are numbered in time order; the operator answers with replies and marks each 已修改.
A comment is open until it is marked 已修改 or a later approval closes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from tui_report.model.report import Report
from tui_report.model.rules import Finding, Location
from tui_report.model.severities import Severity
from tui_report.model.template import Template

WORKFLOW_STATES: dict[str, str] = {
    "not_submitted": "未报送",
    "submitted": "已报送",
    "returned": "退回修改",
    "approved": "已通过",
    "changed_after_approval": "已通过后有修改",
    "published": "已发布",
}
FINISHED = frozenset({"approved", "published"})
REVIEW_RULE = "REVIEW"

# Which records each side may make: an operator's folder holding an "approve" record is ignored.
OPERATOR_KINDS = frozenset({"submit", "reply"})
REVIEWER_KINDS = frozenset({"comment", "return", "approve", "publish", "verify"})
DECISIVE_KINDS = ("submit", "return", "approve", "publish")

MAX_TEXT = 2000  # characters of a comment, reply, reason or notice


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a report's review. ``author`` and ``uid`` come from the file's owner (fstat),
    ``at`` is the recorded time but never later than the file's ctime."""

    kind: str
    id: str
    author: str
    uid: int
    at: datetime
    fingerprint: str = ""
    text: str = ""
    location: str = ""  # dotted key path (tables.requests.new.natural, texts.problems.main); "" whole report
    comment: str = ""  # a reply: the id of the comment it answers
    done: bool = False  # a reply: the comment is marked 已修改
    rule: str = ""  # verify: the rule of the finding (R15)


@dataclass(slots=True)
class CommentThread:
    number: int  # 1-based, in time order: what `tui-report reply REPORT N` names
    comment: Record
    replies: list[Record] = field(default_factory=list)
    done: bool = False  # marked 已修改 by the operator
    closed: bool = False  # an approval came after it

    @property
    def open(self) -> bool:
        return not self.done and not self.closed


@dataclass(slots=True)
class Workflow:
    code: str = "not_submitted"
    threads: list[CommentThread] = field(default_factory=list)
    submitted: Record | None = None  # the latest submission
    decision: Record | None = None  # the latest decisive record
    verified: dict[tuple[str, str], Record] = field(default_factory=dict)  # (rule, location) → record
    published: list[Record] = field(default_factory=list)
    changed_since_submission: bool = False

    @property
    def label(self) -> str:
        return WORKFLOW_STATES[self.code]

    @property
    def comments_open(self) -> int:
        return sum(1 for t in self.threads if t.open)

    @property
    def in_use(self) -> bool:
        """Whether anything was ever submitted (a folder uses the workflow once one report was)."""
        return self.submitted is not None

    @property
    def finished(self) -> bool:
        return self.code in FINISHED

    def title(self) -> str:
        """For a title bar: ``退回修改：3条意见``, ``已报送``."""
        opened = self.comments_open
        return f"{self.label}：{opened}条意见" if opened else self.label


def _order(record: Record) -> tuple[datetime, int, str]:
    return (record.at, DECISIVE_KINDS.index(record.kind) if record.kind in DECISIVE_KINDS else 9, record.id)


def workflow_of(records: list[Record], fingerprint: str | None) -> Workflow:
    """The state of a report from its records and the fingerprint of its current content
    (None: the content cannot be read, so no approval holds)."""
    ordered = sorted(records, key=_order)
    result = Workflow()
    last_approval: datetime | None = None
    for record in ordered:
        if record.kind == "submit":
            result.submitted = record
        if record.kind in DECISIVE_KINDS:
            result.decision = record
        if record.kind in ("approve", "publish"):
            last_approval = record.at
        if record.kind == "publish":
            result.published.append(record)
        if record.kind == "verify" and record.rule:
            result.verified[(record.rule, record.location)] = record
    result.threads = _threads(ordered, last_approval)
    decision = result.decision
    if decision is None:
        return result
    if decision.kind == "submit":
        result.code = "submitted"
    elif decision.kind == "return":
        result.code = "returned"
    elif decision.fingerprint and decision.fingerprint == fingerprint:
        result.code = "approved" if decision.kind == "approve" else "published"
    else:
        result.code = "changed_after_approval"
    submitted = result.submitted
    result.changed_since_submission = (
        submitted is not None and bool(submitted.fingerprint) and submitted.fingerprint != fingerprint
    )
    return result


def _threads(ordered: list[Record], last_approval: datetime | None) -> list[CommentThread]:
    threads: dict[str, CommentThread] = {}
    for record in ordered:
        if record.kind == "comment":
            closed = last_approval is not None and record.at <= last_approval
            threads[record.id] = CommentThread(len(threads) + 1, record, closed=closed)
        elif record.kind == "reply" and record.comment in threads:
            thread = threads[record.comment]
            thread.replies.append(record)
            thread.done = thread.done or record.done
    return list(threads.values())


def uses_workflow(workflows: list[Workflow]) -> bool:
    return any(w.in_use for w in workflows)


# ---------------------------------------------------------------------- content


def _canonical(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    raise TypeError(type(value).__name__)


def content_fingerprint(report: Report) -> str:
    """What an approval names: a SHA-256 of the report's content (its fields, not the file's bytes:
    a save that changes nothing, or a comment line in the TOML, leaves it unchanged)."""
    data = {
        "template": report.template,
        "template_version": report.template_version,
        "unit": report.unit,
        "level": report.level,
        "year": report.year,
        "preamble": report.preamble,
        "texts": report.texts,
        "values": report.values,
        "export": report.export.model_dump(),
        "last_year": report.last_year.model_dump() if report.last_year is not None else None,
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_canonical)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------- locations


class LocationError(ValueError):
    """A comment's location that the report's format does not have; ``str()`` is Chinese."""


def location_of(template: Template, path: str) -> Location:
    """The :class:`Location` of a dotted key path as ``check --json`` prints it:
    ``tables.<table>.<cell>``, ``tables.<table>``, ``texts.<section>.<part>``, ``unit`` or
    ``preamble.<field>``. Raises :class:`LocationError` naming what is wrong."""
    head, _, rest = path.strip().partition(".")
    if head == "tables":
        table_key, _, cell = rest.partition(".")
        if table_key not in template.compiled:
            tables = "、".join(template.compiled)
            raise LocationError(f"位置“{path}”中的表“{table_key}”不存在（可用：{tables}）")
        table = template.table(table_key)
        if cell and cell not in table.cells:
            raise LocationError(
                f"位置“{path}”：{table.title}没有单元格“{cell}”（例如 tables.{table_key}.{table.order[0]}）"
            )
        return Location(table=table_key, cell=cell or None)
    if head == "texts":
        if rest not in template.text_keys():
            keys = "、".join(f"texts.{k}" for k in template.text_keys())
            raise LocationError(f"位置“{path}”不是本报告格式的文字部分（可用：{keys}）")
        return Location(text=rest)
    if path == "unit":
        return Location(field="unit")
    if head == "preamble" and rest in {f.key for f in template.preamble}:
        return Location(field=path)
    raise LocationError(
        f"无法识别的位置“{path}”：应为 tables.表.单元格（如 tables.requests.new.natural）、"
        "texts.部分（如 texts.problems.main）、unit 或 preamble.项目"
    )


# ---------------------------------------------------------------------- findings


def comment_text(thread: CommentThread) -> str:
    """``审核意见1（zhangsan 1月8日）：… 答复：…``."""
    comment = thread.comment
    text = (
        f"审核意见{thread.number}（{comment.author} {comment.at.month}月{comment.at.day}日）：{comment.text}"
    )
    if thread.replies:
        text += f"；答复：{thread.replies[-1].text}" if thread.replies[-1].text else ""
    return text


def thread_location(thread: CommentThread, template: Template | None) -> Location | None:
    """Where a comment points (for Enter in the findings list); None: the whole report, or a
    location the report's format does not have (any more)."""
    if not thread.comment.location or template is None:
        return None
    try:
        return location_of(template, thread.comment.location)
    except LocationError:
        return None


def thread_finding(thread: CommentThread, template: Template | None) -> Finding:
    """A comment as a finding: rule ``REVIEW``, a warning while open (a note once 已修改 or closed)."""
    location = thread_location(thread, template)
    severity: Severity = "warning" if thread.open else "info"
    text = comment_text(thread) + ("" if thread.open else "（已修改）" if thread.done else "（已通过）")
    return Finding(REVIEW_RULE, severity, text, (location,) if location is not None else ())


def review_findings(workflow: Workflow, template: Template | None) -> list[Finding]:
    """Open comments as findings (rule ``REVIEW``, warning), located at their cell or text part
    (a location the format no longer has: the whole report)."""
    return [thread_finding(t, template) for t in workflow.threads if t.open]


def apply_verified(findings: list[Finding], workflow: Workflow) -> list[Finding]:
    """Findings a reviewer marked 已核实 (a rule at a location, with a reason) become notes: they
    stay listed, with the reason, but no longer count as warnings."""
    if not workflow.verified:
        return findings
    result: list[Finding] = []
    for finding in findings:
        paths = [loc.path for loc in finding.locations] or [""]
        record = next(
            (
                workflow.verified.get((finding.rule, p))
                for p in paths
                if (finding.rule, p) in workflow.verified
            ),
            None,
        )
        if record is None or finding.severity == "error":
            result.append(finding)
            continue
        note = f"（已核实：{record.text}，{record.author} {record.at.month}月{record.at.day}日）"
        result.append(replace(finding, severity="info", message=finding.message + note))
    return result
